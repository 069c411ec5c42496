"""The verb and noun lexicon (kg/data/lexicon.yaml): words onto the relation vocabulary."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

RELATIONS = ("visits meetsWith invites appealsTo supports opposes accuses threatens sanctions "
             "withdrawsFrom attacks captures defends invades fightsAgainst suppliesArmsTo "
             "providesAidTo tradesWith alliedWith signsAgreementWith proposes leads memberOf "
             "spokespersonFor partOf locatedIn").split()
SYMMETRIC = {"meetsWith", "fightsAgainst", "tradesWith", "alliedWith", "signsAgreementWith"}


@dataclass(frozen=True)
class Reading:
    relation: str
    object: tuple[str, ...]
    needs: tuple[str, ...] = ()
    subject: str = "nsubj"
    needs_actor_object: bool = False
    needs_topic_object: bool = False
    needs_organisation_object: bool = False
    needs_as: tuple[str, ...] = ()  # "named X as terrorists": one of these after "as"
    intransitive: bool = False  # only without a direct object ("called for", not "called X for")


@dataclass(frozen=True)
class NounReading:
    relation: str
    subject: tuple[str, ...]
    object: tuple[str, ...]
    needs_actor_object: bool = False
    # a modifier that changes the relation: "military aid" supplies arms, "aid" does not
    modified: tuple[tuple[str, str], ...] = ()


@dataclass
class Lexicon:
    verbs: dict[str, list[Reading]]
    nouns: dict[str, NounReading]
    topics: set[str]
    roles: dict[str, str]  # title word -> relation
    actor_nouns: set[str]
    modality: dict[str, set[str]]
    reporting_verbs: set[str] = field(default_factory=set)
    owned_nouns: set[str] = field(default_factory=set)
    doer_governors: set[str] = field(default_factory=set)
    event_groups: list[set[str]] = field(default_factory=list)


def _check(relation: str, where: str) -> str:
    if relation not in RELATIONS:
        raise ValueError(f"kg/data/lexicon.yaml: {where}: unknown relation {relation!r}")
    return relation


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    data = yaml.safe_load(resources.files("kg").joinpath("data", "lexicon.yaml")
                          .read_text(encoding="utf-8"))
    verbs = {}
    for lemma, readings in data["verbs"].items():
        verbs[lemma] = [Reading(relation=_check(r["relation"], lemma), object=tuple(r["object"]),
                                needs=tuple(r.get("needs", ())), subject=r.get("subject", "nsubj"),
                                needs_actor_object=r.get("needs_actor_object", False),
                                needs_topic_object=r.get("needs_topic_object", False),
                                needs_organisation_object=r.get("needs_organisation_object", False),
                                needs_as=tuple(r.get("needs_as", ())),
                                intransitive=r.get("intransitive", False))
                        for r in readings]
    nouns = {lemma: NounReading(_check(r["relation"], lemma), tuple(r["subject"]), tuple(r["object"]),
                                needs_actor_object=r.get("needs_actor_object", False),
                                modified=tuple((word, _check(rel, lemma))
                                               for word, rel in r.get("modified", {}).items()))
             for lemma, r in data["nouns"].items()}
    roles = {word: relation for relation, words in data["roles"].items() for word in words}
    return Lexicon(verbs=verbs, nouns=nouns, topics=set(data["topics"]), roles=roles,
                   actor_nouns=set(data["actor_nouns"]),
                   modality={k: set(v) for k, v in data["modality"].items()},
                   reporting_verbs=set(data["reporting_verbs"]),
                   owned_nouns=set(data.get("owned_nouns", [])),
                   doer_governors=set(data.get("doer_governors", [])),
                   event_groups=[set(group) for group in data.get("event_groups", [])])
