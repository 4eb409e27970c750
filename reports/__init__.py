"""Corpus -> batch reports (clause variation across 287(g) agreements)."""
