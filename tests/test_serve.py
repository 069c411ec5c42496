"""kg serve: the SPARQL 1.1 Protocol endpoint, exercised with a real SPARQL client."""
from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
from rdflib import Graph

pytest.importorskip("pyoxigraph")
SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import (CSV, JSON, JSONLD, N3, POST, TSV, TURTLE, XML,  # noqa: E402
                           SPARQLWrapper as Client)
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException  # noqa: E402

from kg.server import Endpoint, bind_text, make_server, open_store, server_url  # noqa: E402

LABELS = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
# a cross-product of all triples, four times: far too big to finish
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CONSTRUCT = "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s a kg:Country ; rdfs:label ?label }"


@contextmanager
def running(endpoint: Endpoint):
    server = make_server(endpoint, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_url(server)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def store(seed_build):
    return open_store([seed_build.out_dir / "graph.trig"])


@pytest.fixture(scope="module")
def url(store):
    with running(Endpoint(store, timeout=0.5, max_rows=10000)) as base:
        yield base


def client(url: str, query: str, fmt=JSON, method=None) -> Client:
    c = Client(url + "sparql")
    c.setQuery(query)
    c.setReturnFormat(fmt)
    if method:
        c.setMethod(method)
    return c


def fetch(url: str, data: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8")


def test_open_store_keeps_named_graphs(store):
    graphs = {str(g) for g in store.named_graphs()}
    assert any("/article/" in g or "/graph/" in g for g in graphs), graphs
    assert len(graphs) >= 2


def test_select_json_default_prefixes(url):
    data = client(url, LABELS).query().convert()
    assert data["head"]["vars"] == ["s", "label"]
    labels = [b["label"]["value"] for b in data["results"]["bindings"]]
    assert labels == sorted(labels) and "Russia" in labels


def test_select_xml_csv_tsv_agree(url):
    json_rows = [(b["s"]["value"], b["label"]["value"])
                 for b in client(url, LABELS).query().convert()["results"]["bindings"]]
    xml = client(url, LABELS, XML).query().convert()  # a DOM document
    xml_labels = [n.firstChild.data for n in xml.getElementsByTagName("literal")]
    assert xml_labels == [label for _, label in json_rows]
    text = client(url, LABELS, CSV).query().convert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["s", "label"] and [tuple(r) for r in rows[1:]] == json_rows
    tsv = client(url, LABELS, TSV, POST).query().convert().decode("utf-8").splitlines()
    assert tsv[0] == "?s\t?label"
    assert tsv[1] == f"<{json_rows[0][0]}>\t\"{json_rows[0][1]}\""
    assert len(tsv) == len(json_rows) + 1


def test_ask(url):
    assert client(url, "ASK { ?f a kg:Fact }").query().convert()["boolean"] is True
    assert client(url, "ASK { ?f a kg:NoSuchClass }", method=POST).query().convert()[
        "boolean"] is False


def test_declared_prefixes_win(url):
    q = "PREFIX kg: <http://example.org/other#> ASK { ?f a kg:Fact }"
    assert client(url, q).query().convert()["boolean"] is False


def test_construct_turtle_ntriples_jsonld(url):
    turtle = client(url, CONSTRUCT, TURTLE).query()
    assert turtle.response.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=turtle.convert().decode("utf-8"), format="turtle")
    assert len(g) > 0
    labels = {str(o) for o in g.objects()}
    assert "Russia" in labels

    nt = client(url, CONSTRUCT, N3)
    nt.addCustomHttpHeader("Accept", "application/n-triples")
    resp = nt.query().response
    assert resp.headers["Content-Type"].startswith("application/n-triples")
    g_nt = Graph().parse(data=resp.read().decode("utf-8"), format="nt")
    assert set(g_nt) == set(g)

    jsonld = client(url, CONSTRUCT, JSONLD).query()
    assert jsonld.response.headers["Content-Type"].startswith("application/ld+json")
    g_ld = jsonld.convert()  # SPARQLWrapper parses JSON-LD into an rdflib graph
    assert set(g_ld) == set(g)


def test_malformed_query_is_400_with_message(url):
    with pytest.raises(SPARQLWrapperException) as err:
        client(url, "SELECT ?x WHERE { ?x ?y }").query()
    assert "400" in str(err.value) or "QueryBadFormed" in type(err.value).__name__
    status, _, body = fetch(url + "sparql?query=" + urllib.parse.quote("SELEC ?x"))
    assert status == 400
    assert body.startswith("SPARQL syntax error: error at 1:")


def test_update_refused(url, store):
    before = len(store)
    c = Client(url + "sparql")
    c.setMethod(POST)
    c.setQuery("CLEAR ALL")  # SPARQLWrapper sends updates as update=
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as err:
        c.query()  # SPARQLWrapper hands a 403 on as urllib's HTTPError
    assert "403" in str(err.value)
    status, _, body = fetch(url + "sparql", b"INSERT DATA { <a:b> <a:c> <a:d> }",
                            {"Content-Type": "application/sparql-update"})
    assert status == 403 and "--allow-update" in body
    assert len(store) == before


def test_update_allowed():
    store = open_store()
    with running(Endpoint(store, allow_update=True)) as base:
        status, _, _ = fetch(base + "sparql", urllib.parse.urlencode(
            {"update": "INSERT DATA { <http://e/a> rdfs:label 'A' }"}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 204
        assert client(base, "ASK { ?x rdfs:label 'A' }").query().convert()["boolean"]


def test_slow_query_is_503_and_server_keeps_serving(url):
    started = time.monotonic()
    status, _, body = fetch(url + "sparql?query=" + urllib.parse.quote(SLOW))
    elapsed = time.monotonic() - started
    assert status == 503 and "timed out" in body
    assert elapsed < 5
    # the query ran in a forked process that was killed at the deadline
    import multiprocessing

    assert multiprocessing.active_children() == []
    # the abandoned worker does not block the server
    assert client(url, "ASK { ?f a kg:Fact }").query().convert()["boolean"] is True
    status, _, _ = fetch(url + "sparql?query=" + urllib.parse.quote("ASK {}"))
    assert status == 200


def test_max_rows_truncates(store):
    with running(Endpoint(store, max_rows=3)) as base:
        result = client(base, LABELS).query()
        assert result.response.headers["X-KG-Truncated"] == "true"
        assert len(result.convert()["results"]["bindings"]) == 3
        text = client(base, LABELS, CSV).query().convert().decode("utf-8")
        assert len(text.strip().splitlines()) == 4
        small = client(base, "SELECT ?x WHERE { VALUES ?x { 1 2 } }").query()
        assert "X-KG-Truncated" not in small.response.headers


def test_query_via_form_and_direct_post(url):
    status, headers, body = fetch(url + "sparql", urllib.parse.urlencode(
        {"query": "SELECT ?x WHERE { VALUES ?x { 1 } }"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.splitlines() == ["x", "1"]
    status, _, body = fetch(url + "sparql", b"ASK {}",
                            {"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["boolean"] is True


def test_parameters_are_bound_not_pasted(url):
    from kg.sparql import load_query

    q = urllib.parse.quote(load_query("entity"))
    status, _, body = fetch(url + "sparql?query=" + q + "&%24entity=" + urllib.parse.quote(
        "Russia"))
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"]
    evil = urllib.parse.quote('x") } } SELECT * WHERE { ?s ?p ?o } #')
    status, _, body = fetch(url + "sparql?query=" + q + "&%24entity=" + evil)
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"] == []


def test_bind_text_leaves_strings_iris_and_comments():
    q = 'SELECT ?x { ?x ?p "?e" . <http://a/?e> ?q ?ex FILTER(?e = $e) } # ?e'
    assert bind_text(q, {"e": 'a"b\\'}) == (
        'SELECT ?x { ?x ?p "?e" . <http://a/?e> ?q ?ex FILTER("a\\"b\\\\" = "a\\"b\\\\") } # ?e')


def _external_urls(page: str) -> list[str]:
    """src/href/url() references to other hosts (the only way a page could fetch them)."""
    refs = re.findall(r'''(?:src|href|action)\s*=\s*["']?([^"'\s>]+)''', page)
    refs += re.findall(r"url\(([^)]*)\)", page)
    return [r for r in refs if re.match(r"^\s*(?:https?:)?//", r)]


def test_query_page_offline_with_canned_queries(url):
    status, headers, page = fetch(url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "default-src &#x27;none&#x27;" in page or "default-src 'none'" in page
    assert _external_urls(page) == []
    assert '"name":"entity"' in page and 'href="/graph"' in page


def test_graph_page_offline(url):
    status, headers, page = fetch(url + "graph")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert _external_urls(page) == []
    data = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert data and json.loads(data.group(1))["edges"]


def test_view_of_construct(url):
    q = "CONSTRUCT { ?f ?p ?o } WHERE { ?f a kg:Fact ; ?p ?o }"
    status, _, page = fetch(url + "view?query=" + urllib.parse.quote(q))
    assert status == 200 and "vis-network" in page or "vis.Network" in page
    assert _external_urls(page) == []
    status, _, page = fetch(url + "view?query=" + urllib.parse.quote("ASK {}"))
    assert status == 400 and "CONSTRUCT" in page


def test_query_text_is_escaped_in_page(url):
    evil = '</textarea><script>alert(1)</script><img src=x onerror=alert(2)>'
    status, _, page = fetch(url + "?query=" + urllib.parse.quote(evil))
    assert status == 200
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    status, _, page = fetch(url + "view?query=" + urllib.parse.quote("SELEC <script>x"))
    assert status == 400 and "<script>" not in page


def test_unknown_path_and_content_type(url):
    assert fetch(url + "nope")[0] == 404
    assert fetch(url + "sparql", b"x", {"Content-Type": "text/plain"})[0] == 415
    assert fetch(url + "sparql")[0] == 400


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_query_page_in_a_browser(url):
    """The page runs under its CSP: a canned query with a parameter fills the table, a
    CONSTRUCT shows the graph view, markup in results stays text, nothing leaves the host."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    host = urllib.parse.urlsplit(url).netloc
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox",
                                                                     "--disable-gpu"])
        try:
            page = browser.new_page()
            errors, hosts = [], set()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("request", lambda r: hosts.add(urllib.parse.urlsplit(r.url).netloc))
            page.goto(url)
            page.select_option("#kg-canned", label="entity \u2014 Facts about one entity")
            page.fill("#kg-params input", "Xi Jinping")
            page.click("#kg-run")
            page.wait_for_selector("#kg-result tbody tr")
            assert "Xi Jinping" in page.text_content("#kg-result")

            evil = '<img src=x onerror="window.pwned=1">'
            page.fill("#kg-query", "SELECT ?x WHERE { BIND(%s AS ?x) }" % json.dumps(evil))
            page.select_option("#kg-canned", value="")
            page.click("#kg-run")
            page.wait_for_selector("#kg-result tbody td")
            assert page.text_content("#kg-result tbody td") == evil
            assert page.evaluate("window.pwned") is None

            page.fill("#kg-query", "CONSTRUCT { ?f ?p ?o } WHERE { ?f a kg:Fact ; ?p ?o }")
            page.click("#kg-run")
            page.wait_for_selector("#kg-view:not([hidden])")
            status = page.frame_locator("#kg-view").locator("#kg-status")
            sync_api.expect(status).to_contain_text("nodes", timeout=15000)
            assert re.match(r"\d+ nodes, \d+ edges", status.text_content())
            assert errors == [] and hosts == {host}
        finally:
            browser.close()


def test_oxigraph_folder_read_only(tmp_path, seed_build):
    import pyoxigraph as ox

    db = tmp_path / "db"
    writer = ox.Store(str(db))
    writer.load(path=str(seed_build.out_dir / "graph.trig"), format=ox.RdfFormat.TRIG)
    writer.flush()
    count = len(writer)
    del writer
    store = open_store(oxigraph_dir=db)
    assert len(store) == count
    with running(Endpoint(store, allow_update=True)) as base:
        assert client(base, "ASK { ?f a kg:Fact }").query().convert()["boolean"] is True
        status, _, body = fetch(base + "sparql", b"CLEAR ALL",
                                {"Content-Type": "application/sparql-update"})
        assert status == 500 and "update failed" in body  # opened read-only
    assert len(store) == count


def test_cli_serve_errors(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1 and "--store oxigraph:DIR" in result.output
    for args in (["--oxigraph", str(tmp_path / "none")], ["--store", f"oxigraph:{tmp_path / 'none'}"]):
        result = CliRunner().invoke(main, ["serve", *args])
        assert result.exit_code == 1 and "no such Oxigraph store folder" in result.output
    result = CliRunner().invoke(main, ["serve", "--store", "sparql:http://127.0.0.1:1/sparql"])
    assert result.exit_code == 1 and "its own SPARQL endpoint" in result.output
    result = CliRunner().invoke(main, ["serve", "--store", "nonsense"])
    assert result.exit_code == 1 and "serves oxigraph:DIR or memory" in result.output
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    result = CliRunner().invoke(main, ["serve", str(bad)])
    assert result.exit_code == 1 and "bad.ttl: cannot parse as turtle" in result.output


def test_thread_mode(store):
    """Without fork (or isolate=False) queries run in worker threads."""
    with running(Endpoint(store, isolate=False, timeout=0.3)) as base:
        assert client(base, "ASK { ?f a kg:Fact }").query().convert()["boolean"] is True
        assert len(client(base, LABELS).query().convert()["results"]["bindings"]) > 3
        status, _, body = fetch(base + "sparql?query=" + urllib.parse.quote("SELEC ?x"))
        assert status == 400 and "SPARQL syntax error" in body
