"""Search: the query box, facets for the current query, cited hits, paging, export."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from search import QueryError
from search.engine import MODES, cite, rank
from search.query import terms
from web.context import MAX_QUERY, csv_response, room, text_param
from web.narrowing import LABELS, Narrowing, facets, label_of

PER_PAGE = 20
DEPTH = 500                 # candidates ranked per query: the facets count over these
GROUPED_DEPTH = 2000        # by document: enough passages to group into documents
MAX_PAGES = 25
# the CLI's `search --format csv` columns
CSV_COLUMNS = ["rank", "doc_id", "path", "title", "file_name", "page", "last_page", "chunk_id", "score",
               "keyword_rank", "semantic_rank", "matches", "section", "snippet"]


class Asked:
    """A search as the address gives it."""

    def __init__(self, request: Request):
        self.query = text_param(request, "q", MAX_QUERY)
        mode = request.query_params.get("mode")
        self.mode = mode if mode in MODES else "hybrid"
        self.by_document = request.query_params.get("group") == "doc"
        self.collapse = request.query_params.get("collapse") != "0"     # near-identical hits folded (default)
        page = request.query_params.get("page", "1")
        self.page = min(int(page), MAX_PAGES) if page.isdigit() and len(page) < 4 and int(page) > 0 else 1
        self.narrowing = Narrowing.from_params(request.query_params)


def run(request: Request, asked: Asked, limit: int | None = None):
    """(hits for this page or the first `limit`, candidates ranked, error)."""
    corpus = room(request).corpus()
    depth = GROUPED_DEPTH if asked.by_document else DEPTH
    try:
        ranked = rank(corpus, asked.query, asked.mode, depth, asked.narrowing, understand=True)
    except (QueryError, ValueError) as err:
        return [], [], str(err)
    if limit is None:
        shown = cite(corpus, asked.query, ranked, asked.page * PER_PAGE, asked.by_document, asked.collapse)
        hits = shown[(asked.page - 1) * PER_PAGE:]
        first = (asked.page - 1) * PER_PAGE + 1
    else:
        hits, first = cite(corpus, asked.query, ranked, limit, asked.by_document, asked.collapse), 1
    return [dict(rank=n, **h.as_dict()) for n, h in enumerate(hits, first)], ranked, None


def _candidate_documents(request: Request, ranked) -> list[str]:
    from corpus.search_sql import chunk_documents
    docs = chunk_documents(room(request).corpus(), [cid for cid, _, _ in ranked])
    return list(dict.fromkeys(docs[cid] for cid, _, _ in ranked))


def search_page(request: Request):
    asked = Asked(request)
    if not asked.query:
        return room(request).render(request, "search.html.j2", asked=asked, hits=[], error=None, facets={},
                                    active=[], labels=LABELS, counts=None, per_page=PER_PAGE)
    hits, ranked, error = run(request, asked)
    corpus = room(request).corpus()
    doc_ids = _candidate_documents(request, ranked) if ranked else []
    found = facets(corpus, doc_ids)
    active = [(name, label_of(corpus, name, request.query_params[name])) for name in Narrowing.PARAMS
              if request.query_params.get(name)]
    counts = {"passages": len(ranked), "documents": len(doc_ids),
              "capped": len(ranked) >= (GROUPED_DEPTH if asked.by_document else DEPTH),
              "depth": GROUPED_DEPTH if asked.by_document else DEPTH,
              "exhaustive": asked.mode == "keyword" or asked.query.count('"') >= 2}
    total = len(doc_ids) if asked.by_document else len(ranked)
    return room(request).render(request, "search.html.j2", asked=asked, hits=hits, error=error, facets=found,
                                active=active, labels=LABELS, counts=counts, per_page=PER_PAGE,
                                pages=min(MAX_PAGES, -(-total // PER_PAGE)), terms=terms(asked.query))


def _export_limit(request: Request) -> int:
    value = request.query_params.get("limit", "")
    return min(int(value), DEPTH) if value.isdigit() and 0 < len(value) < 5 and int(value) > 0 else DEPTH


def api_search(request: Request):
    """The CLI's `search --format json` list of hits (the first `limit`, at most 500)."""
    asked = Asked(request)
    if not asked.query:
        return JSONResponse({"error": "the query is empty (q=...)"}, status_code=400)
    hits, _, error = run(request, asked, _export_limit(request))
    if error:
        return JSONResponse({"error": error}, status_code=400)
    return JSONResponse(hits)


def api_facets(request: Request):
    """{query, mode, candidates: {passages, documents, depth, capped}, facets: {name: [{value, label, count}]}}."""
    asked = Asked(request)
    if not asked.query:
        return JSONResponse({"error": "the query is empty (q=...)"}, status_code=400)
    _, ranked, error = run(request, asked, 1)
    if error:
        return JSONResponse({"error": error}, status_code=400)
    doc_ids = _candidate_documents(request, ranked)
    depth = GROUPED_DEPTH if asked.by_document else DEPTH
    return JSONResponse({"query": asked.query, "mode": asked.mode,
                         "candidates": {"passages": len(ranked), "documents": len(doc_ids), "depth": depth,
                                        "capped": len(ranked) >= depth},
                         "facets": facets(room(request).corpus(), doc_ids)})


def export_csv(request: Request):
    """The CLI's `search --format csv`."""
    asked = Asked(request)
    if not asked.query:
        return Response("the query is empty\n", status_code=400, media_type="text/plain")
    hits, _, error = run(request, asked, _export_limit(request))
    if error:
        return Response(error + "\n", status_code=400, media_type="text/plain")
    rows = [dict(row, keyword_rank=(row.get("ranks") or {}).get("keyword"),
                 semantic_rank=(row.get("ranks") or {}).get("semantic")) for row in hits]
    return csv_response(rows, CSV_COLUMNS, "search.csv")


routes = [
    Route("/", search_page),
    Route("/search", search_page),
    Route("/search.csv", export_csv),
    Route("/api/search", api_search),
    Route("/api/search/facets", api_facets),
]
