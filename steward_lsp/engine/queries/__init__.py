"""Static scan of data-access code: the columns queries filter, join and sort on.

Mapping the uses to tables lives in :mod:`steward_lsp.engine.queries.resolve`,
which is imported on its own because it depends on the rules package.
"""

from steward_lsp.engine.queries.project import DataAccessScanner
from steward_lsp.engine.queries.scanner import scan_source
from steward_lsp.engine.queries.uses import (
    ColumnUse,
    EngineCall,
    FileScan,
    ProjectQueries,
    RelationshipDecl,
    RelationshipLoad,
    UseKind,
)

__all__ = [
    "ColumnUse",
    "DataAccessScanner",
    "EngineCall",
    "FileScan",
    "ProjectQueries",
    "RelationshipDecl",
    "RelationshipLoad",
    "UseKind",
    "scan_source",
]
