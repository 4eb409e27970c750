"""readingroom: ingest, search and compare FOIA releases and 287(g) agreements on one machine.

The Python API mirrors the command line: `Corpus` (the store), `ingest`, `search`, `extract`.
"""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
