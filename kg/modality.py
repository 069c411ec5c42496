"""Modality of a fact from its sentence: asserted, planned, negated or alleged.

Read from the word that carries the relation and the words that govern it: auxiliaries
("could visit"), negation ("did not", "failed to", "refused to"), governing verbs of intent
("plans to", "is considering") and of contested belief ("believes", "alleges"), and a
following denial ("..., which China denies").
"""
from __future__ import annotations

from spacy.tokens import Token

from .lexicon import Lexicon

ALTERNATIVES = {"rather than", "instead of"}


GATHERINGS = {"talk", "meeting", "visit", "trip", "summit", "conference", "call", "negotiation"}
RELIANCE = {"rely", "depend"}  # "relies on China to buy its oil": what China does now


def modality_of(trigger: Token, lexicon: Lexicon) -> str:
    words = lexicon.modality
    found = set()
    token, came_by, crossed = trigger, None, False
    for _ in range(10):
        lemma = token.lemma_.lower()
        if crossed:  # past a reporting clause only contested belief counts
            if token.pos_ in ("VERB", "AUX") and lemma in words["alleged_governors"]:
                found.add("alleged")
        elif token.pos_ in ("VERB", "AUX") or token is trigger:
            if token.doc[max(0, token.i - 2):token.i].text.lower() in ALTERNATIVES:
                found.add("negated")  # "defend Bakhmut rather than withdraw": not withdrawing
            if token.tag_ == "VB" and token.dep_ != "xcomp" and token.head.lemma_ not in RELIANCE and any(
                    c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
                found.add("planned")  # an infinitive of purpose or plan: "the plan for Xi to visit"
            for child in token.children:
                if child.dep_ == "neg":
                    found.add("negated")
                if child.dep_ == "mark" and child.lower_ in ("whether", "if", "unless"):
                    found.add("planned")  # a question or a condition: "asked whether X was part of Y"
                if child.dep_ == "aux" and child.lower_ in words["planned_aux"]:
                    found.add("planned")
            if came_by == "xcomp":  # "plans to visit", "failed to encircle", "believes ..."
                if lemma in words["negated_governors"]:
                    found.add("negated")
                if lemma in words["planned_governors"]:
                    found.add("planned")
            if token is not trigger and lemma in words["alleged_governors"]:
                found.add("alleged")
        elif token.pos_ == "NOUN" and token is not trigger and lemma in words["planned_nouns"]:
            found.add("planned")
        # a denial of the claim: "arming Russia, which China denies"
        for child in token.children:
            for grand in [child, *child.children] if child.dep_ in ("dobj", "pobj") else [child]:
                if grand.dep_ == "relcl" and grand.lemma_.lower() in words["denial"]:
                    found.add("alleged")
        head = token.head
        if head is token or not _inherits(token, trigger):
            break
        came_by = token.dep_
        crossed = crossed or came_by == "ccomp"
        token = head
    for value in ("negated", "alleged", "planned"):
        if value in found:
            return value
    return "asserted"


def _inherits(token: Token, trigger: Token) -> bool:
    """Does `token` take the modality of its head?"""
    dep = token.dep_
    if token.pos_ in ("VERB", "AUX"):
        own = {c.dep_ for c in token.children}
        if dep == "xcomp":
            return True
        if dep in ("ccomp",):
            return True  # only 'alleged' governors are read across a clause boundary
        if dep in ("conj", "advcl"):
            return not own & {"aux", "nsubj", "nsubjpass", "auxpass", "mark"}
        return dep == "acl"
    # nouns: an event noun takes the modality of the clause it is the subject or object of
    if dep in ("dobj", "nsubj", "nsubjpass", "attr", "conj", "appos", "acl"):
        return True
    # a meeting or a trip as what a clause is for: "will travel to Moscow for talks with Putin",
    # and what a planned trip holds: "staging a trip to Russia and talks with Zelenskiy"
    if dep == "pobj":
        return (token.head.lower_ in ("with", "for") and token.lemma_.lower() in GATHERINGS) or \
            token.head.head.lemma_.lower() in GATHERINGS
    if token.pos_ == "ADP":
        return token.head.lemma_.lower() in GATHERINGS or (token.lower_ in ("with", "for") and any(
            c.dep_ == "pobj" and c.lemma_.lower() in GATHERINGS for c in token.children))
    return False
