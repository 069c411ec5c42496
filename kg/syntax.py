"""Walks over spaCy's dependency parse shared by the extraction stages."""
from __future__ import annotations

from spacy.tokens import Token

MAX_STEPS = 12  # bounded: the small model's parse can hold a cycle of heads


def governing_verb(token: Token) -> Token:
    """The nearest verb at or above `token` ("talks" in "held talks" -> "held"); the last word
    reached when there is none within MAX_STEPS (callers check its part of speech)."""
    verb = token
    for _ in range(MAX_STEPS):
        if verb.pos_ in ("VERB", "AUX") or verb.head is verb:
            break
        verb = verb.head
    return verb
