"""What the corpus holds: counts, the ingest errors, its models and vector index."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from web.context import room


def _status(request: Request) -> dict:
    """The CLI's `status --format json`, plus `vector_index` (meta) and `errors`."""
    from index.sync import check
    corpus = room(request).corpus()
    counts = corpus.counts()
    counts["vectors"] = check(corpus).vectors if corpus.vectors_path.exists() else 0
    counts["corpus"] = str(corpus.path)
    counts["embedding_model"] = corpus.get_meta("embedding_model")
    counts["vector_index"] = corpus.get_meta("vector_index")
    counts["errors"] = corpus.errors()
    return counts


def status_page(request: Request):
    return room(request).render(request, "status.html.j2", s=_status(request))


def api_status(request: Request):
    return JSONResponse(_status(request))


routes = [Route("/status", status_page), Route("/api/status", api_status)]
