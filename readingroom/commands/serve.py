"""`readingroom serve`: the reading room in a browser (the `web` package)."""
from __future__ import annotations

from typing import Optional

import typer

from readingroom.cli_common import fail, state
from readingroom.output import console


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(host: str = typer.Option("127.0.0.1", help="Address to listen on. Anything but localhost needs --token."),
          port: int = typer.Option(8000, help="Port to listen on."),
          token: Optional[str] = typer.Option(None, envvar="READINGROOM_TOKEN",
                                              help="Access token every request must carry (required off localhost).")):
    """Serve the corpus as a reading room in the browser: search, page images with hits outlined,
    entities, agreements, clause variation, tags and notes."""
    from web.app import ServeError, access, create_app, serve as run
    path = state["corpus"]
    try:        # fail here, with one line, before the server starts
        token = access(host, token)[0]
        create_app(path, token)
    except ServeError as err:
        fail(str(err))
    shown = "localhost" if host == "127.0.0.1" else host
    console.print(f"reading room for {path} at http://{shown}:{port}/" + (f"?token={token}" if token else "")
                  + "  (Ctrl-C to stop)", highlight=False)
    try:
        run(path, host, port, token)
    except ServeError as err:
        fail(str(err))
