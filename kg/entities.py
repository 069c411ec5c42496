"""Mentions and entities: from a parsed article to the real-world things it names.

`Resolver(doc, gazetteer, lexicon)` finds every named mention, gives each an `Entity` (one per
real-world thing in the article: "Xi" and "President Xi Jinping" are one), and answers
`resolve(token)`: which entities a word of a sentence stands for, through names, pronouns
("he", "it"), definite descriptions ("the city") and owners ("Russian forces" -> Russia).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .gazetteer import Gazetteer, KnownEntity
from .lexicon import Lexicon

NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC"}
TITLES = {"president", "prime", "minister", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.",
          "general", "gen.", "colonel", "col.", "chancellor", "king", "queen", "prince", "senator",
          "sen.", "secretary", "sir", "lord", "pope", "sheikh", "premier", "ambassador", "vice",
          "foreign", "defence", "defense", "deputy", "chairman", "leader", "commander", "spokesman",
          "spokeswoman", "spokesperson", "founder", "chief", "former", "acting", "governor",
          "mayor", "director", "advisor", "adviser", "envoy"}
ORG_HEADS = {
    "GovernmentBody": {"ministry", "government", "office", "council", "parliament", "department",
                       "cabinet", "senate", "congress", "assembly", "agency", "commission",
                       "administration", "committee"},
    "MilitaryForce": {"army", "forces", "force", "military", "navy", "guard", "guards", "corps"},
}
DIRECTIONS = {"eastern", "western", "northern", "southern", "central", "north", "south", "east",
              "west", "northeastern", "northwestern", "southeastern", "southwestern"}
PLACE_NOUNS = {"city": ("City",), "town": ("City",), "capital": ("City",), "village": ("City",),
               "country": ("Country",), "nation": ("Country",), "region": ("Region", "Place"),
               "province": ("Region",), "area": ("Region", "Place", "City")}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "themselves"}
ACTOR_CLASSES = {"Person", "Country", "Organization", "GovernmentBody", "ArmedGroup",
                 "MilitaryForce", "InternationalOrganization", "MediaOrganization"}
PLACE_CLASSES = {"Country", "City", "Region", "Place"}


@dataclass
class Entity:
    """A real-world thing named in the text, with every surface form seen."""

    name: str
    cls: str
    wikidata: str | None = None
    geonames: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    surface_forms: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return slug(self.name)

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Entity) and other.key == self.key


@dataclass
class Mention:
    start: int  # token index in the doc
    end: int
    text: str
    entity: Entity


def slug(name: str) -> str:
    """Lower-case ASCII words joined by hyphens: the stable local part of an entity IRI."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text.replace("'", "")).strip("-").lower()
    return text or "entity"


def clean_name(span: Span) -> tuple[str, Span]:
    """Strip a leading article, titles and a trailing possessive from a name span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and (doc[start].lower_ in {"the", "a", "an"}
                               or doc[start].lower_ in TITLES):
        start += 1
    while end > start + 1 and doc[end - 1].tag_ == "POS" or doc[end - 1].text in {"'s", "’s"}:
        end -= 1
        if end <= start:
            end = start + 1
            break
    trimmed = doc[start:end]
    return re.sub(r"\s+", " ", trimmed.text).strip(" ,.\"'’‘“”"), trimmed


class Resolver:
    def __init__(self, doc: Doc, gazetteer: Gazetteer, lexicon: Lexicon):
        self.doc = doc
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.entities: dict[str, Entity] = {}
        self.mentions: list[Mention] = []
        self.by_token: dict[int, Mention] = {}
        self._find_mentions()

    # -- named mentions ------------------------------------------------------------------
    def _find_mentions(self) -> None:
        people_full: dict[str, list[str]] = {}  # last or first name -> full names in the article
        spans = [e for e in self.doc.ents if e.label_ in NAME_LABELS]
        for span in spans:
            name, _ = clean_name(span)
            known = span._.kg_known or self.gazetteer.lookup(name)
            if span.label_ == "PERSON" and known is None and " " in name:
                parts = name.split()
                people_full.setdefault(parts[-1], []).append(name)
                people_full.setdefault(parts[0], []).append(name)
        for span in spans:
            name, trimmed = clean_name(span)
            if not name or not any(ch.isalpha() for ch in name):
                continue
            known = span._.kg_known or self.gazetteer.lookup(name)
            if known is not None:
                entity = self._from_known(known)
            else:
                if span.label_ == "PERSON" and " " not in name and len(people_full.get(name, [])) == 1:
                    name = people_full[name][0]
                entity = self.entity(name, self._class_of(span, name))
            entity.surface_forms.add(re.sub(r"\s+", " ", span.text).strip())
            mention = Mention(trimmed.start, trimmed.end, span.text, entity)
            self.mentions.append(mention)
            for i in range(span.start, span.end):
                self.by_token[i] = mention

    def _class_of(self, span: Span, name: str) -> str:
        if span.label_ == "PERSON":
            return "Person"
        if span.label_ == "GPE":
            return "Place"
        if span.label_ in ("LOC", "FAC"):
            return "Region" if span.label_ == "LOC" else "Place"
        head = name.split()[-1].lower()
        for cls, heads in ORG_HEADS.items():
            if head in heads:
                return cls
        return "Organization"

    def _from_known(self, known: KnownEntity) -> Entity:
        entity = self.entity(known.name, known.cls)
        entity.wikidata = entity.wikidata or known.wikidata
        entity.geonames = entity.geonames or known.geonames
        entity.latitude = entity.latitude if entity.latitude is not None else known.latitude
        entity.longitude = entity.longitude if entity.longitude is not None else known.longitude
        return entity

    def entity(self, name: str, cls: str) -> Entity:
        key = slug(name)
        entity = self.entities.get(key)
        if entity is None:
            entity = Entity(name=name, cls=cls)
            self.entities[key] = entity
        elif entity.cls in ("Place", "Organization") and cls not in ("Place", "Organization"):
            entity.cls = cls
        return entity

    def topic(self, name: str, surface: str) -> Entity:
        entity = self.entity(name, "Topic")
        entity.surface_forms.add(surface)
        return entity

    def subplace(self, direction: str, place: Entity) -> Entity:
        """'the eastern part of Bakhmut' -> an entity 'eastern Bakhmut'."""
        entity = self.entity(f"{direction} {place.name}", "Region")
        entity.surface_forms.add(f"{direction} {place.name}")
        return entity

    # -- resolving a word --------------------------------------------------------------------
    def mention_at(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def country_of(self, token: Token) -> Entity | None:
        """A demonym ("Chinese") as its country."""
        known = self.gazetteer.demonym(token.text)
        if known is None:
            return None
        entity = self._from_known(known)
        entity.surface_forms.add(known.name)
        return entity

    def owner(self, token: Token) -> Entity | None:
        """The state or group a common noun belongs to: 'Russian forces', 'China's diplomat'."""
        for child in token.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod"):
                mention = self.mention_at(child)
                if mention and mention.entity.cls in ACTOR_CLASSES:
                    return mention.entity
                if child.dep_ == "amod" or child.tag_ in ("JJ", "NNP", "NNPS"):
                    country = self.country_of(child)
                    if country:
                        return country
        for prep in token.children:  # "members of the European Union", "forces of Syria"
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    mention = self.mention_at(pobj)
                    if pobj.dep_ == "pobj" and mention and mention.entity.cls in ACTOR_CLASSES:
                        return mention.entity
        return None

    def antecedent(self, token: Token, classes: set[str]) -> Entity | None:
        """The entity of one of `classes` that `token` most likely refers back to.

        Looks at the current and the two previous sentences; a mention that was the subject of
        its clause wins over a more recent one that was not (the centre of attention), and among
        equals the most recent wins.
        """
        sentences = self._sentence_starts()
        index = max(i for i, start in enumerate(sentences) if start <= token.i)
        for back in range(index, max(-1, index - 3), -1):
            start = sentences[back]
            end = sentences[back + 1] if back + 1 < len(sentences) else len(self.doc)
            best, best_subject = None, None
            for mention in self.mentions:
                if mention.start < start or mention.start >= min(end, token.i):
                    continue
                if mention.entity.cls not in classes:
                    continue
                best = mention.entity
                head = self.doc[mention.end - 1]
                if head.dep_ in ("nsubj", "nsubjpass") or (head.dep_ == "dobj" and any(
                        c.dep_ == "xcomp" for c in head.head.children)):
                    best_subject = mention.entity
            if back == index and token.tag_ == "PRP$" and best:
                return best  # "Guyana's leadership, including its support": the nearest owner
            if best_subject or best:
                return best_subject or best
        return None

    def _sentence_starts(self) -> list[int]:
        if not hasattr(self, "_starts"):
            self._starts = [s.start for s in self.doc.sents]
        return self._starts

    def resolve(self, token: Token) -> list[Entity]:
        """The entities a noun or pronoun stands for (several for 'X and Y')."""
        found = self._resolve_one(token)
        result = [found] if found else []
        for conj in token.conjuncts:
            if conj.i > token.i and conj.pos_ in ("PROPN", "NOUN", "PRON"):
                other = self._resolve_one(conj)
                if other and other not in result:
                    result.append(other)
        return result

    def _resolve_one(self, token: Token) -> Entity | None:
        mention = self.mention_at(token)
        if mention:
            return mention.entity
        lower = token.lower_
        if token.pos_ == "PRON":
            if lower in PERSON_PRONOUNS:
                return self.antecedent(token, {"Person"})
            if lower in THING_PRONOUNS:
                return self.antecedent(token, ACTOR_CLASSES - {"Person"})
            return None
        if token.pos_ not in ("NOUN", "PROPN"):
            return None
        lemma = token.lemma_.lower()
        if lemma in PLACE_NOUNS and any(c.lower_ in ("the", "this", "that") for c in token.children):
            place = self.antecedent(token, set(PLACE_NOUNS[lemma]))
            if place:
                return place
        if lemma in self.lexicon.actor_nouns:
            return self.owner(token)
        return None
