"""Which writing system a name is in, so the page can mark it with `lang` (and `dir` for
right-to-left scripts): screen readers pick a voice, browsers a font and the direction.

The language itself is unknown (Cyrillic may be Bulgarian or Russian), so the tag says only the
script: `und-Arab` is "undetermined language, Arabic script" (BCP 47).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Unicode character-name prefixes → ISO 15924 script code.
SCRIPTS = (
    ("ARABIC", "Arab"),
    ("HEBREW", "Hebr"),
    ("CYRILLIC", "Cyrl"),
    ("GREEK", "Grek"),
    ("CJK", "Hani"),
    ("HIRAGANA", "Jpan"),
    ("KATAKANA", "Jpan"),
    ("HANGUL", "Kore"),
    ("THAI", "Thai"),
    ("DEVANAGARI", "Deva"),
    ("GEORGIAN", "Geor"),
    ("ARMENIAN", "Armn"),
)
RIGHT_TO_LEFT = frozenset({"Arab", "Hebr"})


@dataclass(frozen=True)
class TextScript:
    lang: str = ""
    dir: str = ""


def text_script(text: str) -> TextScript:
    """The first non-Latin script among the letters of ``text``; empty for Latin or none."""
    for character in text:
        if not character.isalpha():
            continue
        name = unicodedata.name(character, "")
        for prefix, code in SCRIPTS:
            if name.startswith(prefix):
                return TextScript(f"und-{code}", "rtl" if code in RIGHT_TO_LEFT else "")
    return TextScript()
