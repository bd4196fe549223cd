"""Test-wide setup: background jobs run inline unless a test starts a real worker."""

import os

os.environ.setdefault("HUEY_IMMEDIATE", "true")
os.environ.setdefault("DEBUG", "false")
