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
from .relations import find_relations
from .timexpr import When, time_of


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


class Extractor:
    """Runs the stages over articles, one at a time (streaming)."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, lexicon: Lexicon | None = None):
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.lexicon = lexicon or load_lexicon()

    def extract(self, article: Article) -> ArticleFacts:
        return self.from_doc(article, self.nlp(article.text))

    def extract_all(self, articles: Iterable[Article], batch_size: int = 8) -> Iterator[ArticleFacts]:
        pairs = ((a.text, a) for a in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            yield self.from_doc(article, doc)

    def from_doc(self, article: Article, doc: Doc) -> ArticleFacts:
        resolver = Resolver(doc, self.gazetteer, self.lexicon)
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
                if when is None:
                    when = time_of(sent, article.date)
                # titles and appositions are the writer's own description: asserted, unattributed
                described = candidate.rule == "subplace" or candidate.rule.startswith(("title:", "appos:"))
                facts.append(Fact(
                    subject=candidate.subject, relation=candidate.relation, object=candidate.object,
                    modality="asserted" if described else modality_of(candidate.trigger, self.lexicon),
                    sentence=sentence, rule=candidate.rule,
                    claimed_by=None if described else claimant_of(candidate.trigger, resolver,
                                                                  self.lexicon),
                    when=when))
        involved: dict[str, Entity] = {}
        for fact in facts:
            for entity in (fact.subject, fact.object, fact.claimed_by):
                if entity is not None:
                    involved.setdefault(entity.key, entity)
        return ArticleFacts(article, sentences, sorted(involved.values(), key=lambda e: e.key), facts)
