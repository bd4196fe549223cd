"""Plain helpers that are not Django apps. Nothing here imports an app."""
