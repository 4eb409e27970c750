"""`python -m readingroom`: the same front door as the `readingroom` command."""
from readingroom.cli import app

app(prog_name="readingroom")
