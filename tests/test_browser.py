"""The rendered page in a real (headless) Chromium, through Playwright's sync API.

Skipped when /usr/bin/chromium or the playwright package is missing. The browser never
downloads anything: every request the page makes must stay on file:, data: or about:.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_fixtures import (  # noqa: E402
    EXPECTED_EDGES, EXPECTED_NODE_LABELS, HOSTILE_ALT, HOSTILE_NAME, HOSTILE_SENTENCE, ID,
    build_dataset,
)

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")

from kg.render import render_html  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
ALLOWED_SCHEMES = ("file:", "data:", "about:")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("render") / "graph.html"
    path.write_text(render_html(build_dataset(), title="test graph"), encoding="utf-8")
    return path


class Loaded:
    def __init__(self, page, errors, requests):
        self.page, self.errors, self.requests = page, errors, requests

    def js(self, expr, arg=None):
        return self.page.evaluate(expr, arg)

    def dom_point(self, node_id):
        """Viewport coordinates of a node's centre."""
        return self.js("""id => {
            const p = window.kgNetwork.getPositions([id])[id];
            const d = window.kgNetwork.canvasToDOM(p);
            const r = document.getElementById('kg-graph').getBoundingClientRect();
            return [r.left + d.x, r.top + d.y];
        }""", node_id)

    def panel(self):
        return self.page.inner_text("#kg-panel")


@pytest.fixture
def loaded(browser, page_file):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    page.wait_for_function("() => window.kgReady === true", timeout=10_000)
    yield Loaded(page, errors, requests)
    page.close()


def assert_clean(loaded):
    assert loaded.errors == []
    assert loaded.requests, "the page load itself should be recorded"
    assert all(u.startswith(ALLOWED_SCHEMES) for u in loaded.requests), loaded.requests
    assert loaded.js("window.__pwned") is None
    assert loaded.js("document.querySelectorAll('img').length") == 0
    assert loaded.js("document.querySelectorAll('script').length") == 3


def test_draws_expected_graph_offline(loaded):
    nodes = loaded.js("window.kgNodes.get().map(n => n.label)")
    assert sorted(nodes) == EXPECTED_NODE_LABELS
    edges = loaded.js("""() => {
        const label = {};
        window.kgNodes.get().forEach(n => { label[n.id] = n.label; });
        return window.kgEdges.get().map(e => [label[e.from], e.label, label[e.to], e.dashes]);
    }""")
    assert sorted(tuple(e[:3]) for e in edges) == EXPECTED_EDGES
    dashed = {e[1]: bool(e[3]) for e in edges}
    assert dashed == {"visits": True, "accuses": True, "meetsWith": False, "attacks": False,
                      "supports": False, "opposes": False}
    assert loaded.page.title() == "test graph"
    # physics stopped after stabilising, legend and search box are there
    assert loaded.js("window.kgNetwork.physics.physicsEnabled") is False
    assert "Armed group" in loaded.page.inner_text("#kg-legend")
    assert loaded.page.is_visible("#kg-search")
    assert_clean(loaded)


def test_hostile_markup_stays_text(loaded):
    hostile = str(ID["hostile"])
    # hover the hostile node: vis-network shows its (plain-text) tooltip
    x, y = loaded.dom_point(hostile)
    loaded.page.mouse.move(x - 30, y - 30)
    loaded.page.mouse.move(x, y, steps=5)
    loaded.page.wait_for_function(
        "() => { const t = document.querySelector('.vis-tooltip');"
        " return t && getComputedStyle(t).visibility === 'visible'; }", timeout=5_000)
    assert HOSTILE_NAME in loaded.page.inner_text(".vis-tooltip")
    # node panel, edge panel and search with the hostile strings
    assert loaded.js("id => window.kgShowNode(id)", hostile) is True
    assert HOSTILE_NAME in loaded.panel() and HOSTILE_ALT in loaded.panel()
    edge_id = loaded.js("id => window.kgEdges.get().find(e => e.from === id).id", hostile)
    loaded.js("id => window.kgShowEdge(id)", edge_id)
    sentence = loaded.js("document.querySelector('#kg-panel blockquote').textContent")
    assert sentence == HOSTILE_SENTENCE
    loaded.page.fill("#kg-search", "<img src=x")
    loaded.page.press("#kg-search", "Enter")
    assert loaded.js("window.kgNetwork.getSelectedNodes()") == [hostile]
    loaded.page.wait_for_timeout(100)
    assert loaded.js("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert_clean(loaded)


def test_clicking_an_edge_shows_its_evidence(loaded):
    xi, moscow = str(ID["xi-jinping"]), str(ID["moscow"])
    (x1, y1), (x2, y2) = loaded.dom_point(xi), loaded.dom_point(moscow)
    # a point on the (straight) edge, away from its label in the middle
    loaded.page.mouse.click(x1 + (x2 - x1) * 0.3, y1 + (y2 - y1) * 0.3)
    selected = loaded.js("window.kgNetwork.getSelectedEdges()")
    visits = loaded.js("() => window.kgEdges.get().find(e => e.label === 'visits').id")
    assert selected == [visits]
    text = loaded.panel()
    assert "Xi could visit Moscow next week." in text
    assert "planned" in text and "2023-03-20" in text and "Xi to visit Moscow" in text
    link = loaded.page.locator("#kg-panel a.kg-article-link")
    assert link.get_attribute("href") == "https://example.com/news/a1"
    # the other article has no URL: its title is plain text, even with markup in it
    meets = loaded.js("() => window.kgEdges.get().find(e => e.label === 'meetsWith').id")
    loaded.js("id => window.kgShowEdge(id)", meets)
    text = loaded.panel()
    assert "Putin and Xi met again." in text and "Fighting continues </script>" in text
    assert "(article date)" in text
    assert_clean(loaded)


def test_clicking_a_node_shows_its_details(loaded):
    x, y = loaded.dom_point(str(ID["xi-jinping"]))
    loaded.page.mouse.click(x, y)
    text = loaded.panel()
    assert "Xi Jinping" in text and "Person" in text and "President Xi Jinping" in text
    assert "visits \u2192 Moscow" in text
    # a fact in the node panel leads to the edge's evidence
    loaded.page.get_by_role("button", name="visits \u2192 Moscow").click()
    assert "Xi could visit Moscow next week." in loaded.panel()
    assert_clean(loaded)


def test_search_box_focuses_a_node(loaded):
    loaded.page.fill("#kg-search", "PUTIN")
    loaded.page.click("#kg-search-button")
    assert loaded.js("window.kgNetwork.getSelectedNodes()") == [str(ID["vladimir-putin"])]
    assert loaded.page.inner_text("#kg-panel h2") == "Vladimir Putin"
    loaded.page.fill("#kg-search", "federation")  # alt label substring
    loaded.page.press("#kg-search", "Enter")
    assert loaded.js("window.kgNetwork.getSelectedNodes()") == [str(ID["russia"])]
    loaded.page.fill("#kg-search", "atlantis")
    loaded.page.press("#kg-search", "Enter")
    assert "No node matches" in loaded.page.inner_text("#kg-status")
    assert_clean(loaded)
