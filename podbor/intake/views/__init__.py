"""Intake pages: one module per page group (imports, log, sources)."""
