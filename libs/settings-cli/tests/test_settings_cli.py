from __future__ import annotations

import pytest
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from settings_cli import describe_settings, load_settings


class _Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DAZZLER_TOY_")

    port: int = Field(8123, description="Port to listen on.")
    shared_secret: SecretStr = Field(description="Secret shared with the gateway.")


def test_help_lists_every_variable_with_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        load_settings(_Settings, _Settings, prog="toy", description="A toy.", argv=["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "DAZZLER_TOY_PORT (default 8123)" in out
    assert "DAZZLER_TOY_SHARED_SECRET (required)" in out
    assert "Port to listen on." in out


def test_missing_and_invalid_variables_exit_2_with_one_line_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAZZLER_TOY_PORT", "eighty")
    with pytest.raises(SystemExit) as exit_info:
        load_settings(_Settings, _Settings, prog="toy", description="A toy.", argv=[])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("toy: DAZZLER_TOY_PORT:") for line in err)
    assert any(line.startswith("toy: DAZZLER_TOY_SHARED_SECRET: Field required") for line in err)
    assert "Traceback" not in "\n".join(err)


def test_valid_environment_gives_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAZZLER_TOY_SHARED_SECRET", "x" * 20)
    settings = load_settings(_Settings, _Settings, prog="toy", description="A toy.", argv=[])
    assert settings.port == 8123
    assert "DAZZLER_TOY_SHARED_SECRET" in describe_settings(_Settings)
