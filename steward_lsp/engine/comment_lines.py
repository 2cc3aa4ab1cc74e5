"""The line that can hold a ``#`` comment meant for a given line of Python source.

A line that ends inside a triple-quoted string, or with a backslash that
continues it, cannot take a comment at its end: the text would become part
of the string, or a syntax error. Such a line's comment goes at the end of
the line where the string or the continuation ends.
"""

from __future__ import annotations

import io
import tokenize

_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


def continued_lines(source: str) -> dict[int, int]:
    """Map each 0-based line that cannot end in a comment to the next that may.

    The value can itself be a key (a string that ends on a continued line),
    which :func:`comment_line` follows. Source that does not tokenize maps
    nothing, so its comments stay on their own lines.
    """
    continued: dict[int, int] = {}
    commented: set[int] = set()
    inside_string: set[int] = set()
    open_fstrings: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            first, last = token.start[0] - 1, token.end[0] - 1
            if token.type == tokenize.COMMENT:
                commented.add(first)
            elif token.type == _FSTRING_START:
                open_fstrings.append(first)
            elif token.type == _FSTRING_END and open_fstrings:
                first = open_fstrings.pop()
                _cover(continued, inside_string, first, last)
            elif token.type == tokenize.STRING:
                _cover(continued, inside_string, first, last)
    except (tokenize.TokenError, SyntaxError):
        return {}
    for number, line in enumerate(source.splitlines()):
        if number in inside_string or number in commented:
            continue
        if line.rstrip().endswith("\\"):
            continued[number] = number + 1
    return continued


def may_continue(text: str) -> bool:
    """Return whether a line's end may lie inside a string or a continuation.

    A cheap test on one line, so that the file is tokenized only for lines
    that pass it.
    """
    return '"""' in text or "'''" in text or text.rstrip().endswith("\\")


def comment_line(line: int, continued: dict[int, int]) -> int:
    """Return the line whose end can take a comment meant for ``line``."""
    seen = {line}
    while line in continued:
        line = continued[line]
        if line in seen:
            break
        seen.add(line)
    return line


def _cover(continued: dict[int, int], inside: set[int], first: int, last: int) -> None:
    for number in range(first, last):
        continued[number] = last
        inside.add(number)
