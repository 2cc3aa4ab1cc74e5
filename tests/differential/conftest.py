"""Make the oracle's and the author tests' Alembic and steward runners importable."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
for folder in (TESTS / "oracle", TESTS / "generate"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
