"""Attribution: who the text says made a claim ("X said", "told Reuters", "according to X",
"were reported by the Wall Street Journal")."""
from __future__ import annotations

from spacy.tokens import Token

from .entities import ACTOR_CLASSES, Entity, Resolver
from .lexicon import Lexicon


def claimant_of(trigger: Token, resolver: Resolver, lexicon: Lexicon) -> Entity | None:
    token, steps = trigger, 0
    while token.head is not token and steps < 12:
        child, token = token, token.head
        steps += 1
        if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in lexicon.reporting_verbs:
            continue
        if child.dep_ in ("nsubj", "nsubjpass") and not _passive(token):
            continue  # the fact is the speaker's own subject phrase, not their claim
        speaker = _speaker(token, resolver)
        if speaker is not None:
            return speaker
    return _according_to(trigger, resolver)


def _passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _speaker(verb: Token, resolver: Resolver) -> Entity | None:
    if _passive(verb):
        for child in verb.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    found = resolver.resolve(pobj)
                    if found:
                        return found[0]
        return None
    for child in verb.children:
        if child.dep_ == "nsubj":
            found = [e for e in resolver.resolve(child) if e.cls in ACTOR_CLASSES]
            if found:
                return found[0]
    # "sources told Reuters ...": the outlet that was told
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "compound"):
            mention = resolver.mention_at(child)
            if mention and mention.entity.cls == "MediaOrganization":
                return mention.entity
        for grand in child.children:
            mention = resolver.mention_at(grand)
            if mention and mention.entity.cls == "MediaOrganization" and grand.dep_ == "compound":
                return mention.entity
    return None


def _according_to(trigger: Token, resolver: Resolver) -> Entity | None:
    for token in trigger.sent:
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to":
            for pobj in token.doc[token.i + 1].children:
                found = resolver.resolve(pobj) or _author(pobj, resolver)
                if found:
                    return found[0]
    return None


def _author(source: Token, resolver: Resolver) -> list[Entity]:
    """Who made a statement, tweet or report: "a tweet by Mike Pompeo", "the Kremlin's statement"."""
    for child in source.children:
        if child.dep_ == "poss":
            return [e for e in resolver.resolve(child) if e.cls in ACTOR_CLASSES]
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            return [e for p in child.children if p.dep_ == "pobj"
                    for e in resolver.resolve(p) if e.cls in ACTOR_CLASSES]
    return []
