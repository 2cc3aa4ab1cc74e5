"""steward-lsp: drift, safety and index checks for SQLAlchemy + Alembic."""

__version__ = "0.1.0"
