"""What every command module shares: the corpus option's value, output formats, failing cleanly."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator

import typer
from rich.text import Text
from typer.core import Abort, TyperGroup
from typer.core import _click as click  # the click typer vendors (the pin in pyproject.toml)

from corpus.errors import INTERRUPTED_EXIT, UNEXPECTED_EXIT, CorpusMissing, classify
from corpus.lock import writer_lock
from corpus.store import Corpus
from readingroom.output import errors as err_console

state: dict = {"corpus": None, "debug": False}


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def say_error(message: str) -> None:
    """One line on stderr: never wrapped, never read as markup (paths hold brackets)."""
    err_console.print(Text.assemble(("error:", "red"), " ", " ".join(message.split())),
                      soft_wrap=True, highlight=False)


def fail(message: str, code: int = 2) -> None:
    say_error(message)
    raise typer.Exit(code)


def open_corpus(must_exist: bool = True) -> Corpus:
    path = state["corpus"]
    if must_exist and not Path(path).exists():
        raise CorpusMissing(None, f"no corpus at {path}", "run `readingroom ingest PATH` first, or pass --corpus")
    return Corpus(path)


@contextmanager
def open_for_writing(command: str, must_exist: bool = True) -> Iterator[Corpus]:
    """The corpus, held by this command alone (corpus.lock) until the block ends."""
    def stale(found: dict) -> None:
        err_console.print(f"note: taking over the lock left by pid {found.get('pid')} ({found.get('command')}), "
                          "which is no longer running", soft_wrap=True, highlight=False, markup=False)
    path = state["corpus"]
    if must_exist and not Path(path).exists():
        open_corpus(must_exist)     # says there is no corpus
    with writer_lock(path, f"readingroom {command}", stale), open_corpus(must_exist) as corpus:
        yield corpus


class FrontDoor(TyperGroup):
    """Every command runs inside `invoke`: a fault the library names (corpus.errors) or a raw
    SQLite/FAISS/OS error it means becomes one line and its exit code; anything else is a bug,
    one line too unless --debug asks for the traceback."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        """click's own errors (a bad option, a missing argument, no such command) in one line too,
        not typer's boxed help."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as err:    # the help is already printed
            sys.exit(err.exit_code)
        except click.exceptions.UsageError as err:
            where = err.ctx.command_path if err.ctx else "readingroom"
            say_error(f"{err.format_message()} (see `{where} --help`)")
            sys.exit(err.exit_code)
        except click.exceptions.ClickException as err:
            say_error(err.format_message())
            sys.exit(err.exit_code)
        except Abort:
            say_error("interrupted: run the same command again to finish; nothing stored is lost")
            sys.exit(INTERRUPTED_EXIT)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            say_error("interrupted: run the same command again to finish; nothing stored is lost")
            raise typer.Exit(INTERRUPTED_EXIT)
        except Exception as err:
            # typer's and click's own (Exit, usage errors) mean what they say; typer may vendor click
            if state.get("debug") or type(err).__module__.split(".")[0] in ("click", "typer"):
                raise
            found = classify(err, state.get("corpus"))
            if found is not None:
                say_error(found.line())
                raise typer.Exit(found.exit_code)
            first = (str(err).splitlines() or [""])[0][:300]
            say_error(f"unexpected {type(err).__name__}: {first} (a bug: run again with --debug and report it)")
            raise typer.Exit(UNEXPECTED_EXIT)
