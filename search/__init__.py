"""Query -> ranked, cited passages: keyword (FTS5 BM25), semantic (FAISS), hybrid (fusion)."""
from search.engine import Hit, rank, search, similar
from search.filters import Filters
from search.fusion import DEFAULT as DEFAULT_FUSION, Fusion
from search.query import QueryError

__all__ = ["DEFAULT_FUSION", "Filters", "Fusion", "Hit", "QueryError", "rank", "search", "similar"]
