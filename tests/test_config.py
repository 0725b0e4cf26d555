from __future__ import annotations

import pytest

from acc_mcp.config import Settings
from acc_mcp.errors import ConfigError


def test_defaults_and_env() -> None:
    s = Settings.load(
        env={
            "ACC_ACCOUNT_ID": "b.abc",
            "ACC_REGION": "emea",
            "ACC_TOOLSETS": "issues, rfis",
            "ACC_READ_ONLY": "yes",
            "APS_ACCESS_TOKEN": "secret-token",
        }
    )
    assert s.account_id == "abc" and s.region == "EMEA" and s.toolsets == ("issues", "rfis") and s.read_only
    assert "secret-token" not in repr(s)


def test_flags_override_env() -> None:
    assert Settings.load(env={"ACC_REGION": "US"}, region="AUS").region == "AUS"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ACC_REGION": "MARS"}, "ACC_REGION: must be one of"),
        ({"ACC_READ_ONLY": "maybe"}, "ACC_READ_ONLY"),
        ({"ACC_MAX_RESULT_TOKENS": "10"}, "ACC_MAX_RESULT_TOKENS"),
        ({"ACC_BASE_URL": "ftp://x"}, "ACC_BASE_URL"),
    ],
)
def test_bad_values_fail_with_one_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        Settings.load(env=env)
    assert "\n" not in str(info.value)
