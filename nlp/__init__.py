"""Pages -> entities and structure: the spaCy pipeline with domain rules, normalisation,
chunking, and the facts of 287(g) agreements."""
