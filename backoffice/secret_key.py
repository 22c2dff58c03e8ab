"""Whether a SECRET_KEY is fit to sign sessions and form tokens against a real gateway."""

from __future__ import annotations

MINIMUM_LENGTH = 50
MINIMUM_DISTINCT_CHARACTERS = 5
# Words that only a placeholder or a copied example holds (`.env.example` says "change-me").
PLACEHOLDER_WORDS = (
    "change-me",
    "change_me",
    "changeme",
    "change-this",
    "replace-me",
    "placeholder",
    "example",
    "insecure",
    "secret",
    "sandbox",
    "dummy",
    "default",
    "password",
    "xxxxx",
)


def weakness(key: str) -> str:
    """Why this key is a placeholder or too weak, or "" when it is fit to use."""
    if len(key) < MINIMUM_LENGTH:
        return f"it is shorter than {MINIMUM_LENGTH} characters"
    if len(set(key)) < MINIMUM_DISTINCT_CHARACTERS:
        return f"it has fewer than {MINIMUM_DISTINCT_CHARACTERS} different characters"
    lowered = key.lower()
    for word in PLACEHOLDER_WORDS:
        if word in lowered:
            return f'it contains "{word}", so it is a placeholder'
    return ""
