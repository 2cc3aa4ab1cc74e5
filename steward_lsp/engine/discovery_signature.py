"""The parts of a Python file that can change discovery: imports and classes.

Discovery follows imports from env.py to the model modules and looks for
classes that subclass a declarative base, so a saved file whose imports and
class headers are the same as before cannot change which files are model
files. Comparing these signatures lets a save of a model or application
file skip rediscovery, which lists and reads every file of the workspace.
"""

from __future__ import annotations

import ast

Signature = tuple[tuple[str, ...], ...]


def discovery_signature(text: str) -> Signature | None:
    """Return the imports and class headers of ``text``; None when it does not parse.

    A file that does not parse gets None, which never equals a signature, so
    the caller rediscovers to be safe.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    items: list[tuple[str, ...]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            items.append(("import", *(alias.name for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            items.append(("from", module, *(alias.name for alias in node.names)))
        elif isinstance(node, ast.ClassDef):
            bases = (ast.unparse(base) for base in [*node.bases, *node.keywords])
            items.append(("class", node.name, *bases))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            # env.py's target_metadata, and [tool.steward] models naming a
            # module attribute, are assignments at module level.
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assigned = [t.id for t in targets if isinstance(t, ast.Name)]
            if "target_metadata" in assigned:
                items.append(("target_metadata", ast.unparse(node)))
    return tuple(items)
