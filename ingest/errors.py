class IngestError(Exception):
    """A file that cannot be ingested, with the stage that failed and a one-line reason."""

    def __init__(self, reason: str, stage: str = "load"):
        super().__init__(reason)
        self.reason = reason
        self.stage = stage
