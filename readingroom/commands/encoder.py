"""`readingroom index export-encoder`: make the ONNX exports of the model now (else the first
query or ingest that needs them makes them)."""
from __future__ import annotations

import typer

from readingroom.cli_common import Fmt, fail
from readingroom.output import console, emit_json


def register(app: typer.Typer) -> None:
    from readingroom.commands.search import index_app
    index_app.command("export-encoder")(export_encoder)


def export_encoder(fmt: Fmt = typer.Option(Fmt.table, "--format", help="table or json.")):
    """Export all-MiniLM-L6-v2 to ONNX (float32 and int8) from the packaged model, offline, into
    the cache ($READINGROOM_CACHE, else ~/.cache/readingroom); checks it against PyTorch."""
    from index.onnx_encoder import ExportError, export_report
    try:
        report = export_report()
    except ExportError as err:
        fail(str(err))
    if fmt == Fmt.json:
        emit_json(report)
    else:
        console.print(f"{report['folder']}: float32 cosine to PyTorch min {report['onnx']['min_cosine']:.7f}, "
                      f"int8 min {report['onnx-int8']['min_cosine']:.4f} mean {report['onnx-int8']['mean_cosine']:.4f} "
                      f"({report['texts']} texts)", highlight=False)
