"""Reading SQLAlchemy expressions from ``ast`` nodes, shared by both parsers.

The public entry points are re-exported by :mod:`steward_lsp.engine.sqla_ast`.
"""
