"""Building a knowledge graph from articles: the Python API behind `kg build`.

    import kg
    report = kg.build(["seeds/"], "output")
    print(report.articles, report.entities, report.facts)

Articles stream through the stages one at a time (read -> spaCy -> entities -> facts -> RDF ->
files); memory holds only the distinct entities and, for the HTML view, the facts up to a cap.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Dataset

from .articles import Article, Problem, count_articles, find_inputs, read_articles
from .errors import KgError
from .export import DEFAULT_FORMATS, parse_formats
from .extract import Extractor
from .gazetteer import default_gazetteer
from .namespaces import DEFAULT_BASE, Base, bind_prefixes
from .nlp import load_pipeline
from .output import GraphWriter, write_text_atomic
from .rdf import EntityDescriptions, article_graph
from .reports import REPORTS_GRAPH, ReportCounter, add_article, symmetric_relations
from .void import VoidCounter

HTML_MAX_FACTS = 5000


@dataclass
class BuildReport:
    out_dir: Path
    articles: int = 0
    entities: int = 0
    facts: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # the graph files and graph.html
    void: Path | None = None  # the VoID description of the graph files
    html_facts: int = 0
    html: bool = True
    store: str | None = None
    claims: int = 0  # distinct facts (kg:Claim nodes)
    facts_multi: int = 0  # distinct facts reported by two or more independent sources

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        text = (f"built {self.articles} article{'s' * (self.articles != 1)}: "
                f"{self.entities} entities, {self.facts} facts in {self.seconds:.1f} s "
                f"-> {', '.join(str(f) for f in self.files + [self.void] if f)}")
        if self.html and self.html_facts < self.facts:
            text += f" (the HTML view shows the first {self.html_facts} facts)"
        if self.store:
            text += f"; stored in {self.store}"
        if self.problems:
            text += f"; skipped {len(self.problems)} input{'s' * (len(self.problems) != 1)}"
        return text


def build(inputs: Iterable[str | Path], out_dir: str | Path = "output", *,
          model: str | None = None, gazetteer_files: Iterable[str | Path] = (),
          base: str = DEFAULT_BASE, html: bool = True,
          on_problem: Callable[[Problem], None] | None = None,
          progress: Callable[[int | None], Callable[[], None]] | None = None,
          nlp=None, store=None, formats: Iterable[str] = DEFAULT_FORMATS,
          license: str | None = None) -> BuildReport:
    """Build DIR/graph.trig, DIR/graph.ttl, DIR/graph.html and DIR/void.ttl from articles.

    `inputs`: .txt/.jsonl/.json files or folders of them. Unreadable inputs are skipped and
    reported (`on_problem` is called for each as it is found; `report.problems` lists them).
    `progress(total)` may return a function called once per article built.
    `store` (a kg.stores.Store, see kg.open_store) also receives each article's graph as it is
    built (replacing that article's graph from an earlier build) and, at the end, the entity
    descriptions (merged into its entities graph); the files are written as without it.
    `formats`: the graph files to write (kg.export.FORMATS: trig, turtle, nt, nquads, jsonld).
    void.ttl describes the dataset (kg.void); `license` is the graph's own licence, listed there
    beside the articles' licences.
    Raises KgError when no article could be built (and then leaves existing files untouched).
    """
    started = time.perf_counter()
    formats = parse_formats(formats)  # a bad name fails before the slow pipeline load
    out = Path(out_dir)
    inputs = list(inputs)
    report = BuildReport(out_dir=out, html=html, store=store.spec if store is not None else None)
    iris = Base(base)
    gazetteer = default_gazetteer(tuple(str(p) for p in gazetteer_files))
    nlp = nlp or load_pipeline(model, gazetteer)
    extractor = Extractor(nlp, gazetteer)

    def note(problem: Problem) -> None:
        report.problems.append(problem)
        if on_problem:
            on_problem(problem)

    def articles() -> Iterator[Article]:
        seen: dict[str, str] = {}  # article id -> where it was read: ids name graphs and nodes
        for item in read_articles(inputs):
            if isinstance(item, Problem):
                note(item)
            elif item.id in seen:
                note(Problem(item.origin, f"duplicate article id {item.id!r} (first read from "
                                          f"{seen[item.id]}); skipped"))
            else:
                seen[item.id] = item.origin
                yield item

    tick = None
    if progress is not None:
        tick = progress(count_articles(find_inputs(inputs)))

    entities = EntityDescriptions(iris)
    reports = ReportCounter(iris, symmetric_relations())
    void = VoidCounter(iris)
    view = Dataset(default_union=True) if html else None
    if view is not None:
        bind_prefixes(view, iris)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise KgError(f"{out}: cannot create the output folder: {err.strerror}") from None
    try:
        writer = GraphWriter(out, iris, formats)
    except OSError as err:
        raise KgError(f"{out}: cannot write the graph files: {err.strerror or err}") from None
    try:
        for result in extractor.extract_all(articles()):
            graph = article_graph(result, iris)
            writer.add(iris.article_graph(result.article.id), graph)
            void.add(iris.article_graph(result.article.id), graph)
            if store is not None:
                store.replace_graph(str(iris.article_graph(result.article.id)), graph)
            for entity in result.entities:
                entities.add(entity)
            add_article(reports, result)
            report.articles += 1
            report.facts += len(result.facts)
            if view is not None and report.html_facts + len(result.facts) <= HTML_MAX_FACTS:
                report.html_facts += len(result.facts)
                named = view.graph(iris.article_graph(result.article.id))
                for triple in graph:
                    named.add(triple)
            if tick:
                tick()
        if report.articles == 0:
            raise KgError("no article could be built from the input; nothing written")
        entity_graph = entities.graph()
        writer.add(iris.entities_graph, entity_graph)
        void.add(iris.entities_graph, entity_graph)
        if store is not None:
            store.merge_graph(str(iris.entities_graph), entity_graph)
        # the claims of this build's facts (in a store that also holds earlier builds'
        # articles, kg merge recounts across all of them)
        claims, report.facts_multi = reports.graph()
        writer.add(iris.graph[REPORTS_GRAPH], claims)
        void.add(iris.graph[REPORTS_GRAPH], claims)
        if store is not None and len(claims):
            store.replace_graph(str(iris.graph[REPORTS_GRAPH]), claims)
        report.claims = len(reports)
        writer.commit()
    except BaseException as err:
        writer.abort()
        if isinstance(err, OSError):  # disk full, folder gone...: one line, not a traceback
            raise KgError(f"{out}: cannot write the graph files: {err.strerror or err}") from None
        raise
    report.entities = len(entities)
    report.files = list(writer.files)
    endpoint = store.spec[len("sparql:"):] if store is not None and \
        store.spec.startswith("sparql:") else None
    description = void.graph([f.name for f in writer.files], license=license,
                             sparql_endpoint=endpoint)
    try:
        write_text_atomic(out / "void.ttl", description.serialize(format="turtle"))
    except OSError as err:
        raise KgError(f"{out / 'void.ttl'}: cannot write: {err.strerror or err}") from None
    report.void = out / "void.ttl"
    if view is not None:
        from .render import render_html

        named = view.graph(iris.entities_graph)
        for triple in entity_graph:
            named.add(triple)
        try:
            write_text_atomic(out / "graph.html", render_html(view, title="kg graph"))
        except OSError as err:
            raise KgError(f"{out / 'graph.html'}: cannot write: {err.strerror or err}") from None
        report.files.append(out / "graph.html")
    report.seconds = time.perf_counter() - started
    return report
