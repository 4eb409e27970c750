"""The ASGI app: `create_app(corpus_path)`; `serve(...)` runs it under uvicorn."""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from corpus.store import Corpus
from web.context import Room
from web.security import LOCAL_HOSTS, Guard, needs_token
from web.views import agreements, clauses, document, entity, marks, search, status

CACHE_BYTES = 512 * 2**20       # the page-image cache beside the corpus


class ServeError(Exception):
    pass


def create_app(corpus_path: str | Path, token: str | None = None, allowed_hosts: tuple[str, ...] | None = None,
               cache_bytes: int = CACHE_BYTES, warm: bool = False) -> Starlette:
    corpus_path = Path(corpus_path)
    if not corpus_path.exists():
        raise ServeError(f"no corpus at {corpus_path}: run `readingroom ingest PATH` first, or pass --corpus")
    routes = [*search.routes, *document.routes, *entity.routes, *agreements.routes, *marks.routes,
              *status.routes, *clauses.routes, Mount("/static", StaticFiles(packages=[("web", "static")]), name="static")]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _error},
                    middleware=[Middleware(Guard, token=token, allowed_hosts=allowed_hosts)],
                    lifespan=_warm if warm else None)
    app.state.room = Room(corpus_path, cache_bytes)
    return app


@contextlib.asynccontextmanager
async def _warm(app: Starlette):
    """Ready what a search needs while the first page is read, not when the first query comes: the
    query encoder (ONNX Runtime; torch is never loaded to serve), the vector index, the lexicon
    that understands the query. (Warming torch here once cost the first searches 300 ms each.)"""
    def load():
        from index.sync import open_for_search
        from search.engine import encode_query
        from search.understand import lexicon
        try:
            encode_query("warm up")
            with Corpus(app.state.room.corpus_path) as corpus:
                if corpus.vectors_path.exists():
                    open_for_search(corpus)
                lexicon(corpus)
        except Exception:       # noqa: BLE001 - the first request that needs it says what is wrong
            pass
    threading.Thread(target=load, name="readingroom-warm", daemon=True).start()
    yield


async def _error(request: Request, exc: HTTPException):
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    return PlainTextResponse(f"{exc.status_code}: {exc.detail}", status_code=exc.status_code)


def access(host: str, token: str | None) -> tuple[str | None, tuple[str, ...] | None]:
    """(the token, the Host names answered) for serving on `host`. Off localhost an access token is
    required (every request without it gets 401); on localhost the Host header must name this
    machine (so that a web page cannot reach the server by DNS rebinding)."""
    token = token or os.environ.get("READINGROOM_TOKEN") or None
    if needs_token(host) and not token:
        raise ServeError(f"--host {host} serves other machines: give --token T (or set READINGROOM_TOKEN)")
    return token, None if needs_token(host) else LOCAL_HOSTS


def serve(corpus_path: str | Path, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Serve the reading room under uvicorn (see `access` for who may read it)."""
    import uvicorn
    token, allowed = access(host, token)
    app = create_app(corpus_path, token, allowed, warm=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
