"""From one article to its facts: parse, resolve entities, apply the relation rules, then read
each fact's modality, attribution and time from its sentence."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from .articles import Article
from .attribution import claimant_of
from .entities import Entity, Resolver
from .gazetteer import Gazetteer
from .lexicon import Lexicon, load_lexicon
from .modality import modality_of
from .ontology import signatures
from .relations import find_relations
from .timexpr import When, time_of

ACTOR = frozenset({"Actor"})
GUESSES = ("Person", "Organization", "Topic")  # classes the parser's labels give unknown names


def _guessed(entity: Entity) -> bool:
    """Whether the entity's class is the parser's guess (nothing from the gazetteer)."""
    return not (entity.wikidata or entity.geonames or entity.iso_codes or entity.offices)


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    start: int  # character offsets in the article body
    end: int


@dataclass(frozen=True)
class Fact:
    subject: Entity
    relation: str
    object: Entity
    modality: str
    sentence: Sentence
    rule: str
    claimed_by: Entity | None = None
    when: When | None = None


@dataclass
class ArticleFacts:
    article: Article
    sentences: list[Sentence]
    entities: list[Entity]  # every entity that takes part in a fact or a claim
    facts: list[Fact] = field(default_factory=list)


CHUNK_CHARS = 10000


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Cut text into pieces of at most about `limit` characters at paragraph (else line, else
    sentence) boundaries; the pieces joined give back the text exactly."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = -1
        for mark in ("\n\n", "\n", ". "):
            cut = window.rfind(mark)
            if cut > limit // 4:
                cut += len(mark)
                break
            cut = -1
        if cut <= 0:
            cut = window.rfind(" ") + 1 or limit
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


class Extractor:
    """Runs the stages over articles, one at a time (streaming)."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, lexicon: Lexicon | None = None):
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.lexicon = lexicon or load_lexicon()
        self.signatures = signatures()  # relations' domains and ranges (ontology/kg.ttl)

    def extract(self, article: Article) -> ArticleFacts:
        return next(self.extract_all([article]))

    def extract_all(self, articles: Iterable[Article], batch_size: int = 8) -> Iterator[ArticleFacts]:
        """Extract from each article in turn. Long articles are parsed in paragraph chunks and
        joined again, so parser memory stays bounded whatever an article's length."""
        def chunks():
            for article in articles:
                parts = split_text(article.text)
                for number, part in enumerate(parts):
                    yield part, (article, number == len(parts) - 1)

        pending: list[Doc] = []
        for doc, (article, last) in self.nlp.pipe(chunks(), as_tuples=True, batch_size=batch_size):
            pending.append(doc)
            if last:
                whole = pending[0] if len(pending) == 1 else Doc.from_docs(pending, ensure_whitespace=False)
                pending = []
                yield self.from_doc(article, whole)

    def fits(self, candidate) -> bool:
        """Whether the candidate's ends fit its relation's domain and range. An end whose class
        is only the parser's guess (not in the gazetteer) takes the class the relation asks
        for: what is captured or visited is a place ("Wagner captured Soledar"), a
        geopolitical entity that acts is a state ("the Republic of Artsakh occupies it")."""
        sig, relation = self.signatures, candidate.relation
        subject, obj = candidate.subject, candidate.object
        if sig.fits(relation, subject.cls, obj.cls):
            return True
        domain, range_ = sig.domains.get(relation), sig.ranges.get(relation)
        if range_ is not None and not sig.is_a(obj.cls, range_) and _guessed(obj) \
                and "Place" in range_ and obj.cls in GUESSES:
            obj.cls = "Place"
        if domain is not None and not sig.is_a(subject.cls, domain) and _guessed(subject) \
                and sig.is_a("Country", domain) and subject.cls == "Place":
            subject.cls = "Country"
        return sig.fits(relation, subject.cls, obj.cls)

    def actor(self, entity: Entity | None) -> Entity | None:
        """`entity` when it can claim something (an Actor: a person, organisation or state)."""
        if entity is None or not self.signatures.is_a(entity.cls, ACTOR):
            return None
        return entity

    def from_doc(self, article: Article, doc: Doc) -> ArticleFacts:
        resolver = Resolver(doc, self.gazetteer, self.lexicon, publisher=article.source)
        sentences: list[Sentence] = []
        facts: list[Fact] = []
        for sent in doc.sents:
            text = sent.text.strip()
            if not text:
                continue
            offset = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            sentence = Sentence(len(sentences), text, offset, offset + len(text))
            sentences.append(sentence)
            when = None
            for candidate in find_relations(sent, resolver, self.lexicon):
                if not self.fits(candidate):
                    continue  # e.g. a city that "invites", a country that "leads" a person
                if when is None:
                    when = time_of(sent, article.date)
                # titles and appositions are the writer's own description: asserted, unattributed
                described = candidate.rule == "subplace" or candidate.rule.startswith(("title:", "appos:"))
                facts.append(Fact(
                    subject=candidate.subject, relation=candidate.relation, object=candidate.object,
                    modality="asserted" if described else modality_of(candidate.trigger, self.lexicon),
                    sentence=sentence, rule=candidate.rule,
                    claimed_by=None if described else self.actor(
                        claimant_of(candidate.trigger, resolver, self.lexicon)),
                    when=when))
        involved: dict[str, Entity] = {}
        for fact in facts:
            for entity in (fact.subject, fact.object, fact.claimed_by):
                if entity is not None:
                    involved.setdefault(entity.key, entity)
        return ArticleFacts(article, sentences, sorted(involved.values(), key=lambda e: e.key), facts)
