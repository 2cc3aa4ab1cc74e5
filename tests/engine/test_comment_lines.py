"""Lines that cannot end in a comment, and where their comment goes instead."""

from __future__ import annotations

from steward_lsp.engine.comment_lines import (
    comment_line,
    continued_lines,
    may_continue,
)

SOURCE = '''\
def upgrade():
    op.add_column("accounts", \\
        sa.Column("verified", sa.Boolean(), nullable=False))
    op.execute("""
        UPDATE accounts SET verified = false
    """)
    op.execute("""UPDATE accounts
        SET verified = true""" + \\
        "")
    op.drop_column("accounts", "old")  # a comment ending in \\
    op.create_index("ix", "accounts", ["verified"])
'''


def test_backslash_continues_to_next_line() -> None:
    continued = continued_lines(SOURCE)

    assert comment_line(1, continued) == 2


def test_triple_quoted_string_ends_later() -> None:
    continued = continued_lines(SOURCE)

    assert comment_line(3, continued) == 5
    assert comment_line(4, continued) == 5


def test_string_then_backslash_chain() -> None:
    continued = continued_lines(SOURCE)

    assert comment_line(6, continued) == 8


def test_plain_and_commented_lines_stay() -> None:
    continued = continued_lines(SOURCE)

    assert comment_line(0, continued) == 0
    assert comment_line(9, continued) == 9
    assert comment_line(10, continued) == 10


def test_untokenizable_source_maps_nothing() -> None:
    assert continued_lines('def f(:\n    x = """unterminated\n') == {}


def test_may_continue_cheap_test() -> None:
    assert may_continue('    op.execute("""')
    assert may_continue("    x = 1 + \\")
    assert not may_continue("    op.drop_table('t')")
