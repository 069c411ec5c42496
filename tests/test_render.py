"""Unit tests for kg.render (no browser needed)."""
from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_fixtures import (  # noqa: E402
    EXPECTED_EDGES, EXPECTED_NODE_LABELS, HOSTILE_ALT, HOSTILE_NAME, HOSTILE_SENTENCE, ID,
    build_dataset,
)

from kg.errors import KgError  # noqa: E402
from kg.render import render_html  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(build_dataset())


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert m, "no kg-data block"
    return json.loads(m.group(1))


def labels(data: dict) -> list[str]:
    return sorted(n["label"] for n in data["nodes"])


def edge_triples(data: dict) -> list[tuple]:
    by_id = {n["id"]: n["label"] for n in data["nodes"]}
    return sorted((by_id[e["from"]], e["rel"], by_id[e["to"]]) for e in data["edges"])


def edge(data: dict, rel: str) -> dict:
    (found,) = [e for e in data["edges"] if e["rel"] == rel]
    return found


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


# ---------------------------------------------------------------------------------------------
# self-contained and safe

def test_page_is_self_contained(page):
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        for attr in ("src", "href", "srcset", "action", "poster", "data", "background"):
            assert attr not in attrs, f"<{tag} {attr}=...> in the page"
    assert not any(tag in ("link", "img", "iframe", "object", "embed") for tag, _ in parser.tags)
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 3
    assert "@import" not in page
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", page):
        assert url.startswith("data:"), url
    csp = [a["content"] for t, a in parser.tags
           if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
    assert csp and "default-src 'none'" in csp[0] and "connect-src 'none'" in csp[0]


def test_csp_hashes_match_inline_scripts(page):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    bodies = re.findall(r"<script(?: id=\"kg-app\")?>(.*?)</script>", page, re.S)
    assert len(bodies) == 2
    for body in bodies:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_untrusted_text_cannot_break_out(page):
    # only our own three script elements open and close
    assert page.count("</script") == 3
    # (the vis-network bundle itself holds a "<script>" string literal, harmless in a script)
    without_vis = re.sub(r"<script>.*?</script>", "<script></script>", page, flags=re.S)
    assert without_vis.lower().count("<script") == 3
    assert HOSTILE_NAME not in page
    assert "<img" not in page
    assert "\u2028" not in page and "\u2029" not in page
    block = re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = page_data(page)
    assert HOSTILE_NAME in labels(data)
    texts = [f.get("text") for e in data["edges"] for f in e["facts"]]
    assert HOSTILE_SENTENCE in texts
    (hostile,) = [n for n in data["nodes"] if n["label"] == HOSTILE_NAME]
    assert hostile["alt"] == [HOSTILE_ALT]


def test_title_is_escaped():
    html = render_html(build_dataset(), title="<b>War & peace</b>")
    assert "<title>&lt;b&gt;War &amp; peace&lt;/b&gt;</title>" in html
    assert "<b>War" not in html


# ---------------------------------------------------------------------------------------------
# what is drawn

def test_nodes_and_edges(page):
    data = page_data(page)
    assert labels(data) == EXPECTED_NODE_LABELS
    assert edge_triples(data) == EXPECTED_EDGES
    classes = {n["label"]: n["cls"] for n in data["nodes"]}
    assert classes["Russia"] == "Country"  # Country wins over Place
    assert classes["Moscow"] == "City"
    assert classes["sanctions"] == "Topic"
    assert classes[HOSTILE_NAME] == "ArmedGroup"
    (xi,) = [n for n in data["nodes"] if n["label"] == "Xi Jinping"]
    assert xi["alt"] == ["President Xi Jinping", "Xi"]


def test_edge_evidence(page):
    data = page_data(page)
    visits = edge(data, "visits")
    assert visits["modality"] == "planned" and not visits["symmetric"]
    (fact,) = visits["facts"]
    assert fact["text"] == "Xi could visit Moscow next week."
    assert fact["time"] == "2023-03-20"
    art = data["articles"][fact["article"]]
    assert art["title"] == "Xi to visit Moscow"
    assert art["url"] == "https://example.com/news/a1"
    assert art["date"] == "2023-03-14" and art["source"] == "Reuters"

    meets = edge(data, "meetsWith")  # symmetric: both directions merged into one edge
    assert meets["symmetric"] and meets["modality"] == "asserted"
    assert [f["text"] for f in meets["facts"]] == ["Xi met Putin in Moscow on Monday.",
                                                   "Putin and Xi met again."]
    assert meets["facts"][0]["timeFromArticleDate"] is True

    accuses = edge(data, "accuses")
    assert accuses["modality"] == "alleged"
    assert accuses["facts"][0]["claimedBy"] == "Reuters"

    a2 = data["articles"]["https://kg.example.org/article/a2"]
    assert "url" not in a2 and a2["title"] == "Fighting continues </script>"


def test_mixed_modalities_asserted_wins():
    ds = build_dataset()
    # add a second, asserted fact to the planned visit
    from render_fixtures import B, KG, PROV, RDF
    g = ds.graph(B.article_graph("a2"))
    f = B.fact["extra"]
    for t in [(f, RDF.type, KG.Fact), (f, RDF.subject, ID["xi-jinping"]),
              (f, RDF.predicate, KG.visits), (f, RDF.object, ID["moscow"]),
              (f, KG.modality, KG.asserted), (f, PROV.wasDerivedFrom, B.article["a2/s9"])]:
        g.add(t)
    visits = edge(page_data(render_html(ds)), "visits")
    assert visits["modality"] == "asserted"
    assert visits["modalities"] == {"asserted": 1, "planned": 1}


def test_empty_dataset():
    data = page_data(render_html(Dataset()))
    assert data["nodes"] == [] and data["edges"] == []


# ---------------------------------------------------------------------------------------------
# filtering

@pytest.mark.parametrize("focus,depth,expected", [
    ("xi", 1, ["Moscow", "Vladimir Putin", "Xi Jinping"]),           # alt label, any case
    ("XI JINPING", 0, ["Xi Jinping"]),
    ("Russia", 1, [HOSTILE_NAME, "Russia", "Ukraine"]),
    ("russian federation", 2, [HOSTILE_NAME, "Russia", "Ukraine", "sanctions"]),
    ("Russia", 3, [HOSTILE_NAME, "Kremlin", "Russia", "Ukraine", "sanctions"]),
    (str(ID["moscow"]), 1, ["Moscow", "Xi Jinping"]),                 # an IRI
    (HOSTILE_NAME, 1, [HOSTILE_NAME, "Russia"]),
])
def test_focus(focus, depth, expected):
    data = page_data(render_html(build_dataset(), focus=focus, depth=depth))
    assert labels(data) == sorted(expected)
    kept = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in kept and e["to"] in kept for e in data["edges"])
    assert data["focus"]


def test_focus_on_entity_without_facts_shows_it_alone():
    data = page_data(render_html(build_dataset(), focus="lonely person"))
    assert labels(data) == ["Lonely Person"] and data["edges"] == []


def test_unknown_focus_raises():
    with pytest.raises(KgError, match="no entity named 'Atlantis' in the graph"):
        render_html(build_dataset(), focus="Atlantis")


def test_negative_depth_raises():
    with pytest.raises(KgError):
        render_html(build_dataset(), focus="Xi", depth=-1)


def test_relations_filter():
    data = page_data(render_html(build_dataset(), relations=["attacks", "kg:supports"]))
    assert edge_triples(data) == [("Russia", "attacks", "Ukraine"),
                                  ("Ukraine", "supports", "sanctions")]
    assert labels(data) == ["Russia", "Ukraine", "sanctions"]
    # a known relation with no facts gives an empty page, an unknown one an error
    assert page_data(render_html(build_dataset(), relations=["invades"]))["nodes"] == []
    with pytest.raises(KgError, match="unknown relation"):
        render_html(build_dataset(), relations=["atacks"])


def test_relations_and_focus_together():
    data = page_data(render_html(build_dataset(), focus="Russia", depth=5,
                                 relations=["attacks", "supports", "opposes"]))
    assert labels(data) == ["Kremlin", "Russia", "Ukraine", "sanctions"]


# ---------------------------------------------------------------------------------------------
# determinism and input kinds

def test_deterministic(page):
    assert render_html(build_dataset()) == page
    assert render_html(build_dataset(reverse=True)) == page


def test_same_page_from_trig_union_graph_and_default_union():
    ds = build_dataset()
    trig = ds.serialize(format="trig")
    parsed = Dataset()
    parsed.parse(data=trig, format="trig")
    union = Dataset(default_union=True)
    union.parse(data=trig, format="trig")
    flat = Graph()
    for s, p, o, _c in ds.quads((None, None, None, None)):
        flat.add((s, p, o))
    expected = render_html(ds)
    assert render_html(parsed) == expected
    assert render_html(union) == expected
    assert render_html(flat) == expected


def test_rejects_non_graph():
    with pytest.raises(KgError):
        render_html({"not": "a graph"})
