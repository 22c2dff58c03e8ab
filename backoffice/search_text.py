"""Search text: one normal form for what is stored and what is typed, and a typo-tolerant score.

Stored text and queries go through the same `normalize`, so "Müller", "MULLER" and "muller"
meet, and so do "Weiß" and "weiss"; native scripts (Greek, Cyrillic, Arabic, CJK) are kept as
they are, only case-folded. `score` is the ranking every database shares: the database only
proposes candidates, so SQLite and PostgreSQL order results the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache

# Japanese voicing marks change the sound (か → が); every other combining mark is an accent.
_KEPT_MARKS = frozenset({"\u3099", "\u309a"})
_SEPARATORS = re.compile(r"[\s,;:()\[\]{}\"'<>/\\|!?*]+")
_WORD_PARTS = re.compile(r"[.@_+\-]+")
_PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")
_NOT_DIGIT = re.compile(r"\D")

# A typo must leave the word this similar (difflib's ratio) to count at all.
TYPO_SIMILARITY = 0.75
MIN_PHONE_DIGITS = 4


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _KEPT_MARKS)
    return unicodedata.normalize("NFC", kept).casefold()


def words_of(values: Iterable[str]) -> list[str]:
    """The words a record can be found by: each value's words, and the parts of ids and emails
    ("isla.wilson72@example.com" also gives "isla", "wilson72"), each once, in order."""
    found: dict[str, None] = {}
    for value in values:
        for word in _SEPARATORS.split(normalize(value)):
            if not word:
                continue
            found[word] = None
            for part in _WORD_PARTS.split(word):
                if part:
                    found[part] = None
    return list(found)


def phone_words(numbers: Iterable[str]) -> list[str]:
    """A phone number as its digits, whole ("+44 829557486" → "44829557486") and per group."""
    found: list[str] = []
    for number in numbers:
        digits = _NOT_DIGIT.sub("", number)
        if digits:
            found.append(digits)
    return found


def query_tokens(query: str) -> list[str]:
    """What was typed, as words; a phone number typed with spaces or dashes stays one token."""
    query = query.strip()
    if _PHONE_LIKE.match(query):
        digits = _NOT_DIGIT.sub("", query)
        if len(digits) >= MIN_PHONE_DIGITS:
            return [digits]
    return [word for word in _SEPARATORS.split(normalize(query)) if word]


@lru_cache(maxsize=65536)
def token_score(token: str, word: str) -> float:
    """How well one typed word matches one stored word: 1 exact, less for a prefix (typing
    goes on), a fragment (part of an id or email) or a typo; 0 for no match."""
    if token == word:
        return 1.0
    if word.startswith(token):
        return 0.9 if len(token) >= 2 else 0.5
    if len(token) >= 3 and token in word:
        return 0.75
    if len(token) < 4 or abs(len(word) - len(token)) > len(token) // 2 + 2:
        return 0.0
    if any(c.isdigit() for c in token):
        return 0.0  # ids and numbers: a "typo" there is another record
    best = 0.0
    # Against the whole word, and against its start (a typo in a word still being typed).
    for candidate in {word, word[: len(token)]}:
        matcher = SequenceMatcher(None, token, candidate, autojunk=False)
        if matcher.real_quick_ratio() < TYPO_SIMILARITY:
            continue
        if matcher.quick_ratio() < TYPO_SIMILARITY:
            continue
        best = max(best, matcher.ratio())
    return 0.8 * best if best >= TYPO_SIMILARITY else 0.0


def score(tokens: list[str], words: list[str]) -> float:
    """A record's score for a query: the mean of each token's best word, 0 when any token
    matches nothing (every typed word must be found, if only as a typo)."""
    if not tokens or not words:
        return 0.0
    total = 0.0
    for token in tokens:
        best = max((token_score(token, word) for word in words), default=0.0)
        if best == 0.0:
            return 0.0
        total += best
    return total / len(tokens)
