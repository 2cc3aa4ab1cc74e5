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


def test_scrub_hides_long_password_inside_words() -> None:
    url = "mysql+pymysql://reader:hunter2-secret@127.0.0.1:1/x"

    scrubbed = scrub_url("token xhunter2-secretx and reader-only", url)

    assert "hunter2-secret" not in scrubbed
    assert scrubbed == "token x***x and ***-only"


def test_scrub_short_password_keeps_text() -> None:
    url = "postgresql://to:1@127.0.0.1:1/x"
    text = 'connection to server at "127.0.0.1", port 1 failed'

    assert scrub_url(text, url) == text


def test_scrub_short_secrets_in_urls() -> None:
    url = "mysql+pymysql://ab:at@127.0.0.1:1/x"

    scrubbed = scrub_url("OperationalError for mysql://ab:at@db and //ab@db", url)

    assert scrubbed == "OperationalError for mysql://***:***@db and //***@db"


def test_scrub_medium_password_as_word() -> None:
    url = "postgresql://reader:s3cret@127.0.0.1:1/x"

    scrubbed = scrub_url("password s3cret rejected; s3crets kept", url)

    assert scrubbed == "password *** rejected; s3crets kept"


def test_scrub_replaces_full_url() -> None:
    url = "postgresql://ed:s3cret@127.0.0.1:1/x"

    scrubbed = scrub_url(f"could not connect to {url}", url)

    assert scrubbed == "could not connect to postgresql://127.0.0.1:1/x"


def test_scrub_invalid_url_unchanged() -> None:
    assert scrub_url("some error", "not a url") == "some error"
