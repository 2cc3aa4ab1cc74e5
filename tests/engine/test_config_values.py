"""Range checks of the number settings, from pyproject.toml or the editor."""

from __future__ import annotations

import pytest

from steward_lsp.engine.config import ConfigError, Settings, merge_settings


@pytest.mark.parametrize(
    ("key", "value", "bound"),
    [
        ("allowed_heads", -1, "1 or more"),
        ("allowed_heads", 0, "1 or more"),
        ("ledger_id_min_length", -5, "0 or more"),
        ("rollback_slo", 0, "above 0"),
    ],
)
def test_number_setting_out_of_range(key: str, value: float, bound: str) -> None:
    with pytest.raises(ConfigError) as raised:
        merge_settings(Settings(), {key: value}, "pyproject.toml")

    assert f"setting {key!r} must be {bound}, got {value!r}" in str(raised.value)
    assert raised.value.partial == Settings()
