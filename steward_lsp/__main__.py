"""Allow ``python -m steward_lsp``, the same as the ``steward`` command."""

from steward_lsp.cli import main

raise SystemExit(main())
