"""The static model parser; :mod:`steward_lsp.engine.model_parser` is its facade."""
