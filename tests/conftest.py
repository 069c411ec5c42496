"""Shared fixtures: the spaCy pipeline is loaded once per test session (it takes seconds)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["virtuoso"]  # the session fixture `virtuoso`: a throwaway Virtuoso SPARQL server

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "seeds" / "000_c579be2394bfa4f1.txt"


@pytest.fixture(scope="session")
def nlp():
    from kg.gazetteer import default_gazetteer
    from kg.nlp import load_pipeline

    return load_pipeline(gazetteer=default_gazetteer())


@pytest.fixture(scope="session")
def extractor(nlp):
    from kg.extract import Extractor
    from kg.gazetteer import default_gazetteer

    return Extractor(nlp, default_gazetteer())


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory, nlp):
    """The seed article built once into a temporary folder."""
    import kg

    out = tmp_path_factory.mktemp("seed")
    report = kg.build([SEED], out, nlp=nlp)
    return report


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory, nlp):
    """The 282-article Wikinews corpus (tests/data/corpus/wikinews-2019-2020.jsonl) built once
    into a temporary folder, without the HTML view (about 90 s)."""
    import kg

    out = tmp_path_factory.mktemp("corpus")
    return kg.build([DATA / "corpus" / "wikinews-2019-2020.jsonl"], out, nlp=nlp, html=False)
