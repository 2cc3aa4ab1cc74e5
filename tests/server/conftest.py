"""Fixtures of the end-to-end server tests: one client per editor profile."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from lsp_session import CLIENTS, SERVER
from pytest_lsp import LanguageClient


@pytest_lsp.fixture(config=SERVER, params=CLIENTS)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """Start the server; the test initializes it with its own workspace."""
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def spec(request: pytest.FixtureRequest) -> str:
    """Return the client profile of the ``client`` fixture's current param."""
    return str(request.node.callspec.params["client"])
