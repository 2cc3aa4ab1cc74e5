"""Make the oracle's Alembic and steward runners importable here."""

from __future__ import annotations

import sys
from pathlib import Path

ORACLE = Path(__file__).resolve().parent.parent / "oracle"
if str(ORACLE) not in sys.path:
    sys.path.insert(0, str(ORACLE))
