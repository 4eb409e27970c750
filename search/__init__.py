"""Query -> ranked, cited passages: keyword (FTS5 BM25), semantic (FAISS), hybrid (fusion)."""
from search.engine import Hit, search
from search.filters import Filters
from search.query import QueryError

__all__ = ["Filters", "Hit", "QueryError", "search"]
