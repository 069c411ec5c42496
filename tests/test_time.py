"""Time of a fact: date expressions normalised against the article date (2023-03-14, a Tuesday),
unit by unit and end to end through the extractor into RDF."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Literal

from kg.articles import Article
from kg.namespaces import KG, XSD, Base
from kg.rdf import article_graph, fact_iri
from kg.timexpr import is_future, normalise

BASE = date(2023, 3, 14)

POINTS = [
    # (expression, future tense, value, datatype)
    ("in February", False, "2023-02", "gYearMonth"),
    ("February of 2022", False, "2022-02", "gYearMonth"),
    ("March 2021", False, "2021-03", "gYearMonth"),
    ("in 2019", False, "2019", "gYear"),
    ("in May", False, "2022-05", "gYearMonth"),        # a month without a year: the last one past
    ("next May", False, "2023-05", "gYearMonth"),
    ("in May", True, "2023-05", "gYearMonth"),         # ... or the next one, when the verb is future
    ("June of this year", False, "2023-06", "gYearMonth"),
    ("last October", False, "2022-10", "gYearMonth"),
    ("on Sunday", False, "2023-03-12", "date"),
    ("Sunday", True, "2023-03-19", "date"),
    ("next Sunday", False, "2023-03-19", "date"),
    ("last Friday", False, "2023-03-10", "date"),
    ("Tuesday", False, "2023-03-14", "date"),          # the article's own weekday is its day
    ("March 14, 2023", False, "2023-03-14", "date"),
    ("14 March 2023", False, "2023-03-14", "date"),
    ("Monday, March 13, 2023", False, "2023-03-13", "date"),
    ("yesterday", False, "2023-03-13", "date"),
    ("today", False, "2023-03-14", "date"),
    ("tomorrow", False, "2023-03-15", "date"),
    ("two days ago", False, "2023-03-12", "date"),
    ("three weeks ago", False, "2023-02-21", "date"),
    ("two months ago", False, "2023-01", "gYearMonth"),
    ("next month", False, "2023-04", "gYearMonth"),
    ("earlier this month", False, "2023-03", "gYearMonth"),
    ("last year", False, "2022", "gYear"),
    ("last year's", False, "2022", "gYear"),
    ("mid-2022", False, "2022", "gYear"),
    ("the end of 2017", False, "2017", "gYear"),
    # not covered by the rules: through dateparser
    ("Feb. 24", False, "2023-02-24", "date"),
    ("the 24th of February", False, "2023-02-24", "date"),
    ("a fortnight ago", False, "2023-02-28", "date"),
]


@pytest.mark.parametrize("text,future,value,datatype", POINTS)
def test_points(text, future, value, datatype):
    when = normalise(text, BASE, future)
    assert when is not None, text
    assert (when.value, when.datatype, when.start, when.end) == (value, datatype, None, None)
    assert when.text == text and not when.from_article_date


INTERVALS = {  # expression: kg:time value and datatype (the start as written), "first/last day"
    "next week": ("2023-03-20", "date", "2023-03-20/2023-03-26"),
    "last week": ("2023-03-06", "date", "2023-03-06/2023-03-12"),
    "this week": ("2023-03-13", "date", "2023-03-13/2023-03-19"),
    "earlier this week": ("2023-03-13", "date", "2023-03-13/2023-03-19"),
    "last weekend": ("2023-03-11", "date", "2023-03-11/2023-03-12"),
    "from March 1 to March 5": ("2023-03-01", "date", "2023-03-01/2023-03-05"),
    "March 1-5, 2023": ("2023-03-01", "date", "2023-03-01/2023-03-05"),
    "1 to 5 March 2023": ("2023-03-01", "date", "2023-03-01/2023-03-05"),
    "March 10 to 20": ("2023-03-10", "date", "2023-03-10/2023-03-20"),
    "between 2015 and 2017": ("2015", "gYear", "2015-01-01/2017-12-31"),
    "January to March 2022": ("2022-01", "gYearMonth", "2022-01-01/2022-03-31"),
}


@pytest.mark.parametrize("text", INTERVALS)
def test_intervals(text):
    when = normalise(text, BASE)
    assert when is not None, text
    assert (when.value, when.datatype, f"{when.start}/{when.end}") == INTERVALS[text]


@pytest.mark.parametrize("text", [
    "the 1990s", "decades", "decades-long", "recent years", "the past", "Two decades ago",
    "three days", "a year", "18", "79", "92-year-old", "daily", "this summer", "the same day",
    "the previous month", "6819", "May 2029 to December 31, 2021",
])
def test_no_time(text):
    assert normalise(text, BASE) is None


def test_without_article_date_only_absolute_expressions():
    assert normalise("February of 2022", None).value == "2022-02"
    assert normalise("in 2019", None).value == "2019"
    assert normalise("yesterday", None) is None
    assert normalise("next week", None) is None


def facts_of(extractor, text: str, date: str = "2023-03-14"):
    result = extractor.extract(Article(id="t", text=text, date=date))
    return result, {(f.subject.name, f.relation, f.object.name): f for f in result.facts}


@pytest.mark.parametrize("text,value", [
    ("Xi Jinping will visit Moscow on Sunday.", "2023-03-19"),
    ("Xi Jinping visited Moscow on Sunday.", "2023-03-12"),
    ("Xi Jinping plans to visit Moscow on Sunday.", "2023-03-19"),
])
def test_future_tense_moves_weekdays_forward(extractor, text, value):
    _, facts = facts_of(extractor, text)
    assert facts[("Xi Jinping", "visits", "Moscow")].when.value == value


@pytest.mark.parametrize("text,future", [
    ("China plans to send envoys to Kyiv in May.", True),
    ("Biden will meet Macron on Friday.", True),
    ("Putin said on Sunday that Russia will attack Kyiv.", False),  # "said" is past
])
def test_future_tense_of_the_expression(nlp, text, future):
    ent = next(e for e in nlp(text).ents if e.label_ == "DATE")
    assert is_future(ent) == future


def node_of(graph, fact):
    assert (fact_iri(Base(), fact, "t"), None, None) in graph
    return fact_iri(Base(), fact, "t")


def test_interval_in_rdf(extractor):
    result, facts = facts_of(extractor, "German Chancellor Angela Merkel will travel to Paris next week.")
    fact = facts[("Angela Merkel", "visits", "Paris")]
    assert (fact.when.start, fact.when.end, fact.when.text) == ("2023-03-20", "2023-03-26", "next week")
    graph = article_graph(result, Base())
    node = node_of(graph, fact)
    assert graph.value(node, KG.time) == Literal("2023-03-20", datatype=XSD.date)
    assert graph.value(node, KG.timeStart) == Literal("2023-03-20", datatype=XSD.date)
    assert graph.value(node, KG.timeEnd) == Literal("2023-03-26", datatype=XSD.date)
    assert graph.value(node, KG.timeText) == Literal("next week")
    assert graph.value(node, KG.timeFromArticleDate) is None


def test_point_and_fallback_in_rdf(extractor):
    result, facts = facts_of(extractor, "Russia invaded Ukraine in February of 2022. France condemned Russia.")
    graph = article_graph(result, Base())
    invaded = node_of(graph, facts[("Russia", "invades", "Ukraine")])
    condemned = node_of(graph, facts[("France", "opposes", "Russia")])
    assert graph.value(invaded, KG.time) == Literal("2022-02", datatype=XSD.gYearMonth)
    assert graph.value(invaded, KG.timeText) == Literal("February of 2022")
    assert graph.value(invaded, KG.timeStart) is None and graph.value(invaded, KG.timeEnd) is None
    assert graph.value(condemned, KG.time) == Literal("2023-03-14", datatype=XSD.date)
    assert graph.value(condemned, KG.timeFromArticleDate) == Literal(True)
    assert graph.value(condemned, KG.timeText) is None


def test_year_in_rdf(extractor):
    result, facts = facts_of(extractor, "Russia invaded Ukraine in 2014.")
    graph = article_graph(result, Base())
    node = node_of(graph, facts[("Russia", "invades", "Ukraine")])
    assert graph.value(node, KG.time) == Literal("2014", datatype=XSD.gYear)


def test_interval_conforms_to_shapes(extractor):
    pyshacl = pytest.importorskip("pyshacl")
    from rdflib import Graph

    from kg.rdf import EntityDescriptions

    root = Path(__file__).resolve().parent.parent / "ontology"
    result = extractor.extract(Article(id="t", title="Merkel to visit Paris", date="2023-03-14",
                                       text="German Chancellor Angela Merkel will travel to Paris next week."))
    entities = EntityDescriptions(Base())
    for entity in result.entities:
        entities.add(entity)
    data = article_graph(result, Base()) + entities.graph()
    shapes = Graph().parse(root / "shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms, text
    # an interval whose end is before its start does not conform
    node = next(data.subjects(KG.timeEnd, None))
    data.set((node, KG.timeEnd, Literal("2023-03-01", datatype=XSD.date)))
    assert not pyshacl.validate(data, shacl_graph=shapes, inference="none")[0]
