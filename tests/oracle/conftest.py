"""Make the author-migration tests' Alembic runner importable here."""

from __future__ import annotations

import sys
from pathlib import Path

GENERATE = Path(__file__).resolve().parent.parent / "generate"
if str(GENERATE) not in sys.path:
    sys.path.insert(0, str(GENERATE))
