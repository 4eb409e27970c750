"""Groups of CLI commands, each registered on the app by `register(app)`; one module per area
so that each stays small and has one owner."""
