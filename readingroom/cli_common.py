"""What every command module shares: the corpus option's value, output formats, failing cleanly."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from corpus.store import Corpus
from readingroom.output import errors as err_console

state: dict = {"corpus": None}


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def open_corpus(must_exist: bool = True) -> Corpus:
    path = state["corpus"]
    if must_exist and not Path(path).exists():
        fail(f"no corpus at {path}: run `readingroom ingest PATH` first, or pass --corpus")
    return Corpus(path)
