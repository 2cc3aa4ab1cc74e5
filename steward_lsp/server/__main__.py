"""``python -m steward_lsp.server``: run the language server over stdio."""

from steward_lsp.server.server import serve

if __name__ == "__main__":
    serve()
