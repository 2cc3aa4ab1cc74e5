"""Database URLs in messages: no user name, no password, readable text."""

from __future__ import annotations

from steward_lsp.engine.urls import display_url, scrub_url


def test_display_url_drops_credentials() -> None:
    url = "postgresql+psycopg://ed:s3cret@db.local:5432/app"

    assert display_url(url) == "postgresql+psycopg://db.local:5432/app"


def test_scrub_keeps_words_containing_user() -> None:
    url = "postgresql://ed:s3cret@127.0.0.1:1/x"
    text = 'connection failed: Connection refused for user "ed"'

    scrubbed = scrub_url(text, url)

    assert scrubbed == 'connection failed: Connection refused for user "***"'


def test_scrub_hides_password_inside_words() -> None:
    url = "mysql+pymysql://reader:hunter2@127.0.0.1:1/x"

    scrubbed = scrub_url("token hunter2x and reader-only", url)

    assert "hunter2" not in scrubbed
    assert scrubbed == "token ***x and ***-only"


def test_scrub_replaces_full_url() -> None:
    url = "postgresql://ed:s3cret@127.0.0.1:1/x"

    scrubbed = scrub_url(f"could not connect to {url}", url)

    assert scrubbed == "could not connect to postgresql://127.0.0.1:1/x"


def test_scrub_invalid_url_unchanged() -> None:
    assert scrub_url("some error", "not a url") == "some error"
