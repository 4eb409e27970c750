"""Commands for search and the vector index: search, similar, eval, remove, index check/rebuild."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from readingroom.cli_common import Fmt, fail, open_corpus, open_for_writing, say_error
from readingroom.output import console, emit, emit_csv, emit_json, errors as err_console, highlighted

index_app = typer.Typer(help="Check or rebuild the vector index.", no_args_is_help=True)

# `search --format csv` columns (JSON carries the same fields, with ranks and highlights nested)
CSV_COLUMNS = ["rank", "doc_id", "path", "title", "file_name", "page", "last_page", "chunk_id", "score",
               "keyword_rank", "semantic_rank", "document_rank", "matches", "section", "snippet", "collapsed"]
SHOWN_FOLDED = 5          # table output: folded near-duplicates named per hit (JSON lists them all)


class Mode(str, Enum):
    keyword = "keyword"
    semantic = "semantic"
    hybrid = "hybrid"


class FusionMethod(str, Enum):
    rrf = "rrf"
    weighted = "weighted"


class IndexKind(str, Enum):
    auto = "auto"
    flat = "flat"
    ivf = "ivf"
    ivf_sq8 = "ivf-sq8"
    ivf_pq = "ivf-pq"


def register(app: typer.Typer) -> None:
    app.command()(search)
    app.command()(similar)
    app.command("eval")(eval_)
    app.command()(duplicates)
    app.command()(remove)
    app.add_typer(index_app, name="index")


def _filters(doc_type, agency, state_, model, entity, after, before, doc):
    from search import Filters
    return Filters(doc_type=doc_type, agency=agency, state=state_, model=model, entity=entity,
                   after=after, before=before, doc=doc)


def _fusion(method: "FusionMethod", rrf_k: int | None, keyword_weight: float | None):
    from dataclasses import replace

    from search.fusion import DEFAULT, WEIGHTED_DEFAULT
    base = DEFAULT if method == FusionMethod.rrf else WEIGHTED_DEFAULT
    if keyword_weight is not None:          # the user's weight, for every query (not adapted to it)
        base = replace(base, keyword_weight=keyword_weight, naming_keyword_weight=None)
    return replace(base, k=base.k if rrf_k is None else rrf_k)


def understood_text(understood: list[dict]) -> str:
    return ", ".join(f"{u['field']} = {u['value']}" for u in understood)


def _emit_hits(hits, fmt: Fmt, by_document: bool, empty_reason: str = "no hits") -> None:
    notice, understood = getattr(hits, "notice", None), getattr(hits, "understood", None)
    extra = {} if understood is None else {"notice": notice, "understood": understood}
    rows = [dict(rank=n, **h.as_dict(), **extra) for n, h in enumerate(hits, 1)]
    if fmt == Fmt.json:
        emit_json(rows)
        return
    if fmt == Fmt.csv:
        for row in rows:
            ranks = row.get("ranks") or {}
            row["keyword_rank"], row["semantic_rank"] = ranks.get("keyword"), ranks.get("semantic")
            row["document_rank"] = ranks.get("document")
            row["collapsed"] = "; ".join(_cited(c) for c in row.get("collapsed") or [])
        emit_csv(rows, CSV_COLUMNS)
        return
    if understood:
        console.print(f"[dim]understood: {understood_text(understood)}[/dim]", highlight=False)
    if notice:
        console.print(f"[yellow]{notice}[/yellow]", highlight=False)
    if not hits:
        console.print(empty_reason, highlight=False)
    for n, h in enumerate(hits, 1):
        ranks = ", ".join(f"{m} #{r}" for m, r in h.ranks.items() if r)
        pages = f"p.{h.page}" if h.last_page == h.page else f"pp.{h.page}-{h.last_page}"
        extra = f" · {h.matches} passages" if by_document else ""
        like = f" · like p.{h.source['page']} of the source" if h.source else ""
        console.print(f"[bold]{n}. {h.file_name}[/bold] {pages}  [dim]{h.title or ''} · {h.doc_id[:12]} · "
                      f"score {h.score:.4g} ({ranks}){extra}{like}[/dim]", highlight=False)
        if h.section:
            console.print(f"   [cyan]{h.section}[/cyan]", highlight=False)
        console.print(highlighted("   " + h.snippet, [(s + 3, e + 3) for s, e in h.highlights]))
        if h.collapsed:
            console.print(f"   [dim]{folded_text(h.collapsed)}[/dim]", highlight=False)


def _cited(folded: dict) -> str:
    if folded.get("page") is None:
        return folded["file_name"]
    pages = folded["page"] if folded["last_page"] == folded["page"] else f"{folded['page']}-{folded['last_page']}"
    return f"{folded['file_name']} p.{pages}"


def folded_text(collapsed: list[dict], shown: int = SHOWN_FOLDED) -> str:
    """`and 3 near-identical in: a.eml p.1, b.eml p.2, c.pdf p.4` (the first `shown`, then how many more)."""
    names = ", ".join(_cited(c) for c in collapsed[:shown])
    more = f" and {len(collapsed) - shown} more" if len(collapsed) > shown else ""
    return f"and {len(collapsed)} near-identical in: {names}{more}"


def search(query: Optional[str] = typer.Argument(None, help='Words, or FTS5 syntax: "exact phrase", AND/OR/NOT, NEAR(a b, 10), warrant*'),
           batch: Optional[Path] = typer.Option(None, "--batch", help="A CSV file of queries (a `query` column; optional mode, limit, type, agency, state, model, entity, after, before, doc): one result row per query and hit, and a summary row per query."),
           mode: Mode = typer.Option(Mode.hybrid, help="keyword (BM25), semantic (vectors) or hybrid (both, fused)."),
           limit: int = typer.Option(10, help="How many hits (documents, with --by-document)."),
           by_document: bool = typer.Option(False, "--by-document", help="Best passage per document, with its number of matching passages."),
           doc_type: Optional[str] = typer.Option(None, "--type", help="Document type: moa, email, letter, foia_letter, ..."),
           agency: Optional[str] = typer.Option(None, help="Agreements whose agency contains this."),
           state_: Optional[str] = typer.Option(None, "--state", help="Agreements in this state."),
           model: Optional[str] = typer.Option(None, help="Agreements of this model: JEM, WSO, TFM."),
           entity: Optional[str] = typer.Option(None, help="Documents that mention an entity whose name contains this."),
           after: Optional[str] = typer.Option(None, help="Documents dated on or after (YYYY[-MM[-DD]])."),
           before: Optional[str] = typer.Option(None, help="Documents dated on or before (YYYY[-MM[-DD]])."),
           doc: Optional[str] = typer.Option(None, help="Only this document (id or unique prefix)."),
           understand: bool = typer.Option(True, "--understand/--no-understand", help="Recognise the agencies, states, models, people and offices the corpus knows in the query and use them as soft evidence (shown as `understood:`)."),
           collapse: bool = typer.Option(True, "--collapse/--no-collapse", help="Fold a near-identical passage (with --by-document, document) ranked lower into its hit: `and N near-identical in: ...` (never passages of two different agreements). Clusters come from `readingroom duplicates`, run by ingest and annotate."),
           fusion: FusionMethod = typer.Option(FusionMethod.rrf, help="Hybrid fusion: rrf (reciprocal rank) or weighted (normalised scores)."),
           rrf_k: Optional[int] = typer.Option(None, help="RRF's rank constant k (score = weight / (k + rank)). Default: the tuned one (README)."),
           keyword_weight: Optional[float] = typer.Option(None, help="Weight of the keyword side in hybrid fusion (semantic is 1), for every query. Default (rrf): 1.5 for a question that names what the corpus knows or holds a number, else 0.4; 0.2 (weighted)."),
           fmt: Fmt = typer.Option(Fmt.table, "--format", help="table, json or csv.")):
    """Search passages by keyword, by meaning, or both; every hit cites document and page."""
    from search import QueryError
    from search import search as run_search
    chosen = _fusion(fusion, rrf_k, keyword_weight)
    if batch is not None:
        if query is not None:
            fail("give a query or --batch FILE, not both")
        return _batch(batch, mode.value, limit, by_document, chosen, understand, fmt, collapse)
    if query is None:
        fail("give a query (or --batch FILE.csv)")
    filters = _filters(doc_type, agency, state_, model, entity, after, before, doc)
    with open_corpus() as corpus:
        try:
            hits = run_search(corpus, query, mode.value, limit, filters, by_document, chosen, understand=understand,
                              collapse=collapse)
        except (QueryError, ValueError) as err:
            fail(str(err))
        reason = "no hits"
        if not hits and filters.active() and filters.chunk_ids(corpus) == []:
            reason = "no hits: no document passes these filters"
    _emit_hits(hits, fmt, by_document, reason)


BATCH_COLUMNS = ["row", "query", "kind", "rank", "doc_id", "file_name", "page", "last_page", "score", "section",
                 "snippet", "hits", "documents", "notice", "understood", "error"]


def _batch(path: Path, mode: str, limit: int, by_document: bool, fusion, understand: bool, fmt: Fmt,
           collapse: bool = True) -> None:
    """`search --batch`: JSON, one object per query (its summary and hits); CSV, a row per query
    and hit (kind `hit`) and a summary row per query (kind `summary`); table, the summaries."""
    from search.batch import BatchError, read_rows, run
    try:
        rows = read_rows(path)
    except BatchError as err:
        fail(str(err))

    def progress(done, total):
        err_console.print(f"\rquery {done}/{total}", end="", highlight=False)
        if done == total:
            err_console.print("", highlight=False)
    with open_corpus() as corpus:
        results = list(run(corpus, rows, mode, limit, by_document, fusion, understand, progress, collapse))
    for r in results:
        if r.error:
            say_error(f"{path}: row {r.row} ({r.query!r}): {r.error}")
    if fmt == Fmt.json:
        emit_json([dict(r.summary(), results=[dict(rank=n, **h.as_dict()) for n, h in enumerate(r.hits, 1)])
                   for r in results])
        return
    out = []
    for r in results:
        summary = r.summary()
        for n, h in enumerate(r.hits, 1):
            out.append({"row": r.row, "query": r.query, "kind": "hit", "rank": n, "doc_id": h.doc_id,
                        "file_name": h.file_name, "page": h.page, "last_page": h.last_page, "score": h.score,
                        "section": h.section, "snippet": h.snippet})
        out.append(dict(summary, kind="summary", understood=understood_text(r.understood)))
    if fmt == Fmt.csv:
        emit_csv(out, BATCH_COLUMNS)
        return
    table = [{"row": r.row, "query": r.query, "hits": len(r.hits), "documents": r.summary()["documents"],
              "first hit": f"{r.hits[0].file_name} p.{r.hits[0].page}" if r.hits else "", "error": r.error or ""}
             for r in results]
    emit(table, "table", ["row", "query", "hits", "documents", "first hit", "error"],
         title=f"{len(results)} queries from {path} (--format csv or json: every hit)")


def similar(doc_id: str = typer.Argument(..., help="Document id (or a unique prefix)."),
            page: Optional[int] = typer.Option(None, help="Only the passages on this page of the document."),
            limit: int = typer.Option(10, help="How many documents (passages, with --passages)."),
            passages: bool = typer.Option(False, "--passages", help="List passages, not one line per document."),
            doc_type: Optional[str] = typer.Option(None, "--type"),
            agency: Optional[str] = typer.Option(None),
            state_: Optional[str] = typer.Option(None, "--state"),
            model: Optional[str] = typer.Option(None),
            entity: Optional[str] = typer.Option(None),
            after: Optional[str] = typer.Option(None),
            before: Optional[str] = typer.Option(None),
            collapse: bool = typer.Option(True, "--collapse/--no-collapse", help="Fold a near-identical document (with --passages, passage) ranked lower into its hit, as search does: `and N near-identical in: ...`."),
            fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """More like this: passages of other documents nearest (by vector) to this document's, or to one page's."""
    from search import QueryError
    from search.engine import similar as run_similar
    filters = _filters(doc_type, agency, state_, model, entity, after, before, None)
    with open_corpus() as corpus:
        try:
            hits = run_similar(corpus, doc_id, page, limit, filters, by_document=not passages, collapse=collapse)
        except QueryError as err:
            fail(str(err))
    _emit_hits(hits, fmt, not passages, "nothing similar: no other document has passages")


def duplicates(threshold: float = typer.Option(None, help="Jaccard similarity of word 5-shingles at which two "
                                             "passages (documents) are near-identical. Default: 0.85 (README)."),
               show: int = typer.Option(10, help="How many of the largest passage clusters to list (0: none)."),
               fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Find near-identical passages and documents (MinHash over word 5-shingles, checked exactly) and store
    their clusters, for search to fold. Ingest and annotate run it; run it once on a corpus made before."""
    from corpus.duplicates import largest_clusters
    from index.duplicates import THRESHOLD, find_duplicates
    if threshold is not None and not 0 < threshold <= 1:
        fail("--threshold must be in (0, 1]")
    with open_for_writing("duplicates") as corpus:
        done = find_duplicates(corpus, threshold or THRESHOLD)
        largest = largest_clusters(corpus, show) if show else []
    if fmt == Fmt.json:
        emit_json(dict(done.as_dict(), largest=largest))
        return
    found = done.stored
    console.print(f"{found['clustered_passages']} of {found['passages']} passages in {found['passage_clusters']} "
                  f"clusters of near-identical passages; {found['clustered_documents']} of {found['documents']} "
                  f"documents in {found['document_clusters']} clusters (Jaccard >= {done.threshold:g}); "
                  f"{done.signed_passages} passages and {done.signed_documents} documents signed; "
                  f"{done.seconds:.1f} s", highlight=False)
    for c in largest:
        console.print(f"  {c['passages']} passages in {c['documents']} documents: {c['file_name']} p.{c['page']}: "
                      f"{c['text'][:80]!r}", highlight=False)


def eval_(folder: Path = typer.Argument(..., help="A BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv."),
          corpus_dir: Optional[Path] = typer.Option(None, help="Where the benchmark's corpus and vectors are kept "
                                                    "(reused when present). Default: a folder in the temp directory."),
          modes: List[Mode] = typer.Option(list(Mode), "--mode", help="Modes to measure (repeat the option)."),
          fusion: FusionMethod = typer.Option(FusionMethod.rrf, help="Hybrid fusion to measure."),
          rrf_k: Optional[int] = typer.Option(None),
          keyword_weight: Optional[float] = typer.Option(None),
          fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Measure search quality on a BEIR benchmark: nDCG@10, Recall@10, Recall@100, MRR@10 per mode."""
    from readingroom.evaluating import BenchmarkError, build_corpus, evaluate, load_beir
    chosen = _fusion(fusion, rrf_k, keyword_weight)
    try:
        bench = load_beir(folder)
    except BenchmarkError as err:
        fail(str(err))

    def progress(event, done, total):
        err_console.print(f"{bench.name}: {event} {done}/{total}", highlight=False)
    path = build_corpus(bench, corpus_dir, progress)
    result = evaluate(bench, path, [m.value for m in modes], {"hybrid": chosen})
    if fmt == Fmt.json:
        emit_json(dict(result.as_dict(), corpus=str(path)))
    else:
        emit(result.rows(), fmt.value, ["benchmark", "mode", "ndcg@10", "recall@10", "recall@100", "mrr@10",
                                        "ms_per_query"],
             title=f"{bench.name}: {result.queries} queries, {result.documents} documents; hybrid = {chosen.describe()}")


def remove(doc_id: str = typer.Argument(..., help="Document id (or a unique prefix)."),
           fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Remove a document (and its attachments or members), its passages and their vectors."""
    from readingroom.removing import remove as run_remove
    with open_for_writing("remove") as corpus:
        try:
            found = corpus.document(doc_id)
        except KeyError as err:
            fail(str(err.args[0]))
        if not found:
            fail(f"no document {doc_id}")
        done = run_remove(corpus, found["id"])
    result = {"doc_id": found["id"], "path": found["path"], **done}
    if fmt == Fmt.json:
        emit_json(result)
    else:
        console.print(f"removed {found['path']}: {done['passages']} passages, {done['vectors']} vectors", highlight=False)


def _describe_kind(kind: str | None, params: dict | None) -> str:
    details = ", ".join(f"{k}={v}" for k, v in (params or {}).items())
    return f"{kind or '?'}" + (f" ({details})" if details else "")


@index_app.command("check")
def index_check(fmt: Fmt = typer.Option(Fmt.table, "--format"),
                show: int = typer.Option(10, help="How many ids of each problem to list.")):
    """Check that SQLite and FAISS agree: every passage has exactly one vector, no vector is orphaned,
    and the file holds the kind of index the corpus records. Exits 1 when they do not."""
    from index.sync import check
    with open_corpus() as corpus:
        found = check(corpus)
        recorded = corpus.get_meta("vector_index") or {}
    result = dict(found.as_dict(), params=recorded.get("params", {}), requested=recorded.get("requested"))
    if fmt == Fmt.json:
        emit_json(result)
    else:
        console.print(f"{'ok' if found.ok else 'MISMATCH'}: {found.chunks} passages, {found.vectors} vectors "
                      f"in the {_describe_kind(found.kind, result['params'])} index; {len(found.missing)} missing, "
                      f"{len(found.orphans)} orphans, {len(found.duplicates)} duplicated", highlight=False)
        for name in ("missing", "orphans", "duplicates"):
            ids = getattr(found, name)
            if ids:
                more = f" (+{len(ids) - show} more)" if len(ids) > show else ""
                console.print(f"  {name}: {', '.join(map(str, ids[:show]))}{more}", highlight=False)
        for problem in found.problems:
            console.print(f"  [red]problem:[/red] {problem}", highlight=False)
        for note in found.notes:
            console.print(f"  note: {note}", highlight=False)
        if not found.ok:
            console.print("  fix: `readingroom index rebuild` (reuses stored vectors where it can)", highlight=False)
    if not found.ok:
        raise typer.Exit(1)


@index_app.command("rebuild")
def index_rebuild(kind: IndexKind = typer.Option(None, "--index-kind", help="auto (flat below 100k passages, "
                                                 "IVF above), flat, ivf, ivf-sq8 (4x smaller) or ivf-pq (32x smaller). "
                                                 "Default: what the corpus uses now."),
                  reembed: bool = typer.Option(False, "--reembed", help="Embed every passage again instead of "
                                               "reusing the stored float32 vectors."),
                  nlist: Optional[int] = typer.Option(None, help="IVF lists (default ~4 sqrt(passages))."),
                  nprobe: Optional[int] = typer.Option(None, help="IVF lists searched per query (default nlist/64, >= 16)."),
                  encoder: Optional[str] = typer.Option(None, "--encoder", help="torch, onnx or onnx-int8: embed every "
                                                        "passage again with this encoder (converts the corpus). "
                                                        "Default: the one that made its vectors."),
                  fmt: Fmt = typer.Option(Fmt.table, "--format")):
    """Build the vector index again, as the kind asked for; the choice is recorded in the corpus."""
    from index.encoder import check_key, load_encoder
    from index.sync import rebuild
    params = {k: v for k, v in (("nlist", nlist), ("nprobe", nprobe)) if v}
    with open_for_writing("index rebuild") as corpus:
        try:
            chosen = load_encoder(check_key(encoder)) if encoder else None
            done = rebuild(corpus, chosen, kind=kind.value if kind else None, reembed=reembed, params=params or None)
        except ValueError as err:
            fail(str(err))
    if fmt == Fmt.json:
        emit_json(done.__dict__)
    else:
        console.print(f"rebuilt: {done.vectors} vectors in the {_describe_kind(done.kind, done.params)} index; "
                      f"{done.embedded} passages embedded ({done.encoder} encoder); {done.seconds:.1f} s",
                      highlight=False)
