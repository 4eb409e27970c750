"""Clause variation: the matrix of agreements by clause keys, and each cell's redline against
the reference text. The report is built once per corpus state (it takes seconds to a minute on
hundreds of agreements) and kept in memory."""
from __future__ import annotations

import threading
from importlib import resources

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reports.matrix import clause_matrix
from reports.render import numbers_text, redline_html
from web.context import doc_id, not_found, room, text_param

MODELS = ("WSO", "TFM", "JEM")
_lock = threading.Lock()
_cache: dict[tuple, tuple] = {}        # (corpus, model) -> (corpus stamp, report)


def _stamp(corpus) -> tuple:
    """Changes whenever agreements or clauses are written (ingest, annotate, remove)."""
    return tuple(corpus.conn.execute("SELECT (SELECT count(*) FROM clauses), (SELECT max(id) FROM clauses),"
                                     " (SELECT count(*) FROM agreements), (SELECT max(ingested_at) FROM documents)"
                                     ).fetchone())


def report_for(request: Request, model: str | None) -> dict | None:
    from reports.clauses import ReportError, build_clause_report
    corpus = room(request).corpus()
    key, stamp = (str(corpus.path), model), _stamp(corpus)
    with _lock:                 # one build at a time: a second reader waits for the first's result
        if key not in _cache or _cache[key][0] != stamp:
            try:
                _cache[key] = (stamp, build_clause_report(corpus, model))
            except ReportError:
                _cache[key] = (stamp, None)
        return _cache[key][1]


def _model(request: Request) -> str | None:
    model = (text_param(request, "model", 10) or "").upper()
    return model if model in MODELS else None


def clauses_page(request: Request):
    model = _model(request)
    report = report_for(request, model)

    def href(key: str, variant: str | None, document: str) -> str:
        return f"/clauses/redline?key={key}&variant={variant or ''}&doc={document}"
    return room(request).render(request, "clauses.html.j2", report=report, model=model, models=MODELS,
                                matrix=clause_matrix(report) if report else [], href=href)


def _key(report: dict, key: str | None) -> dict:
    found = next((k for k in report["keys"] if k["key"] == key), None) if report else None
    if found is None:
        raise not_found("no such clause key")
    return found


def redline_page(request: Request):
    report = report_for(request, _model(request))
    key = _key(report, text_param(request, "key", 200))
    variant_id = text_param(request, "variant", 10)
    variant = next((v for v in key["variants"] if v["id"] == variant_id), None)
    document = request.query_params.get("doc")
    document = doc_id(document) if document else None
    agreement = next((a for a in report["agreements"] if a["document_id"] == document), None) if document else None
    if variant_id and variant is None:
        raise not_found("no such variant")
    return room(request).render(request, "redline.html.j2", key=key, variant=variant, reference=key["variants"][0],
                                agreement=agreement, redline=redline_html(variant["redline"]) if variant and
                                variant["redline"] else None, numbers=numbers_text(variant["numbers"]) if variant else "",
                                missing=document in key["missing"] if document else False)


def api_clauses(request: Request):
    """`report clauses --format json` (report.json's schema, readingroom.clause-report/1)."""
    report = report_for(request, _model(request))
    if report is None:
        return JSONResponse({"error": "no agreements in the corpus"}, status_code=404)
    return JSONResponse({k: v for k, v in report.items() if k != "rows"})


def matrix_css(request: Request):
    """The matrix's style, shared with the HTML report (reports/templates/matrix.css)."""
    css = resources.files("reports").joinpath("templates/matrix.css").read_text()
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


routes = [
    Route("/clauses", clauses_page),
    Route("/clauses/redline", redline_page),
    Route("/api/clauses", api_clauses),
    Route("/matrix.css", matrix_css),
]
