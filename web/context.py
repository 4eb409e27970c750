"""What every view needs: the corpus (one SQLite connection per worker thread), the templates,
and id checks that turn anything malformed into a 404 before it reaches SQL or the disk."""
from __future__ import annotations

import csv
import io
import json
import re
import threading
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from corpus.store import Corpus
from web.security import csrf_token

DOC_ID = re.compile(r"[0-9a-f]{64}")
MAX_QUERY = 500


class Room:
    """The app's state: where the corpus is, and one open `Corpus` per thread (sqlite3
    connections belong to the thread that made them; Starlette runs sync views in a pool)."""

    def __init__(self, corpus_path: str | Path, cache_bytes: int):
        self.corpus_path = Path(corpus_path)
        self.cache_bytes = cache_bytes
        self._local = threading.local()
        self.env = Environment(
            loader=ChoiceLoader([PackageLoader("web", "templates"), PackageLoader("reports", "templates")]),
            autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True, default_for_string=True),
            trim_blocks=True, lstrip_blocks=True)
        from reports.render import STATUS_MARK
        self.env.globals["STATUS_MARK"] = STATUS_MARK
        from web.pageimages import PageImages
        self.images = PageImages(self.corpus_path, cache_bytes)

    def corpus(self) -> Corpus:
        found = getattr(self._local, "corpus", None)
        if found is None:
            found = self._local.corpus = Corpus(self.corpus_path)
        return found

    def render(self, request: Request, template: str, status: int = 200, **values) -> HTMLResponse:
        html = self.env.get_template(template).render(request=request, csrf=csrf_token(request),
                                                      url_with=url_with(request), **values)
        return HTMLResponse(html, status_code=status)


def room(request: Request) -> Room:
    return request.app.state.room


def not_found(what: str = "not found") -> HTTPException:
    return HTTPException(404, what)


def doc_id(value: str) -> str:
    """A full document id (64 hex digits) or 404: never a prefix, a path or anything else."""
    if not isinstance(value, str) or not DOC_ID.fullmatch(value):
        raise not_found("no such document")
    return value


def small_int(value, low: int, high: int, default: int | None = None) -> int:
    """An integer within [low, high], else 404 (a page past the end, a negative number, text)."""
    if value in (None, "") and default is not None:
        return default
    text = str(value)
    if not text.isdigit() or len(text) > 9:
        raise not_found("no such page")
    number = int(text)
    if not low <= number <= high:
        raise not_found("no such page")
    return number


def text_param(request: Request, name: str, limit: int = 200) -> str | None:
    value = request.query_params.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()[:limit]


def csv_response(rows: list[dict], columns: list[str], filename: str) -> Response:
    """Rows as a CSV download (lists and dicts as JSON, as the CLI writes them)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in row.items()})
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def url_with(request: Request):
    """`url_with(page=2, type=None)`: this page's address with some parameters changed or dropped."""
    def build(**changes) -> str:
        params = dict(request.query_params)
        for k, v in changes.items():
            if v is None:
                params.pop(k, None)
            else:
                params[k] = str(v)
        from urllib.parse import urlencode
        query = urlencode(params)
        return request.url.path + (f"?{query}" if query else "")
    return build
