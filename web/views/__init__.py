"""One module per page of the reading room; each exposes `routes`."""
