"""The reading room in a browser: a server-rendered Starlette app over the same library functions
the CLI calls. No stage imports it; it imports the stages (search, reports, corpus)."""
