"""Configuration: environment, optional TOML file, validation with clear errors at start."""

from __future__ import annotations

import pytest

from service import create_app
from service.config import ConfigError, from_environment, from_file, load_settings

from .conftest import write


def test_environment_values_are_converted():
    cfg = from_environment(
        {"CQA_MAX_MESSAGE_CHARS": "500", "CQA_RATE_LIMIT_ENABLED": "off", "CQA_STORE_TIMEOUT_SECONDS": "0.5"}
    )
    assert cfg == {"MAX_MESSAGE_CHARS": 500, "RATE_LIMIT_ENABLED": False, "STORE_TIMEOUT_SECONDS": 0.5}


@pytest.mark.parametrize(
    "env, fragment",
    [
        ({"CQA_MAX_MESSAGE_CHARS": "lots"}, "CQA_MAX_MESSAGE_CHARS must be a whole number"),
        ({"CQA_TOP_K": "0"}, "CQA_TOP_K must be positive"),
        ({"CQA_TRUSTED_PROXIES": "-1"}, "must not be negative"),
        ({"CQA_ACCESS_LOG": "maybe"}, "CQA_ACCESS_LOG must be true or false"),
        ({"CQA_STORE_TIMEOUT_SECONDS": "nan"}, "finite number"),
    ],
)
def test_bad_environment_values_are_named(env, fragment):
    with pytest.raises(ConfigError, match=fragment):
        from_environment(env)


def test_config_file_then_environment(tmp_path):
    path = write(tmp_path / "cqa.toml", 'max_message_chars = 400\nrate_limit_chat = "10/minute"\ntop_k = 5\n')
    cfg = load_settings({"CQA_CONFIG_FILE": str(path), "CQA_TOP_K": "7"})
    assert cfg["MAX_MESSAGE_CHARS"] == 400 and cfg["RATE_LIMIT_CHAT"] == "10/minute"
    assert cfg["TOP_K"] == 7  # the environment wins over the file


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('redis_url = "redis://:pw@host/0"\n', "is a secret: set CQA_REDIS_URL in the environment"),
        ('secret_key = "abc"\n', "is a secret"),
        ("colour = 3\n", "not a known setting"),
        ("max_message_chars = [1]\n", "must be a whole number"),
        ("max_message_chars = \n", "not valid TOML"),
    ],
)
def test_config_file_errors_are_clear(tmp_path, text, fragment):
    path = write(tmp_path / "cqa.toml", text)
    with pytest.raises(ConfigError, match=fragment):
        from_file(path)


def test_missing_config_file():
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings({"CQA_CONFIG_FILE": "/nonexistent/cqa.toml"})


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"CORPUS_DIR": "/nonexistent/library"}, "library folder not found"),
        ({"RATE_LIMIT_CHAT": "often"}, "RATE_LIMIT_CHAT: not a rate limit"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL must start with"),
        ({"CORS_ORIGINS": "portal.example.org"}, "CORS_ORIGINS"),
        ({"MAX_WORD_CHARS": 0}, "MAX_WORD_CHARS must be positive"),
    ],
)
def test_create_app_refuses_bad_settings(seed_corpus, tmp_path, overrides, fragment):
    base = {"CORPUS_DIR": str(seed_corpus), "INDEX_PATH": str(tmp_path / "i.npz"), "TESTING": True}
    with pytest.raises(ConfigError, match=fragment):
        create_app({**base, **overrides})


def test_staff_tokens_are_configured_as_digests_only(seed_corpus, tmp_path):
    base = {"CORPUS_DIR": str(seed_corpus), "INDEX_PATH": str(tmp_path / "i.npz"), "ACCESS_LOG": False}
    with pytest.raises(ConfigError, match="SHA-256 hex digest"):
        create_app({**base, "STAFF_TOKEN_HASHES": "a-plain-token-by-mistake"})


def test_the_example_config_file_is_valid():
    from .ops_fixtures import REPO

    cfg = from_file(REPO / "cqa.example.toml")
    assert cfg["CONVERSATION_TTL_SECONDS"] == 1800 and cfg["TRUSTED_PROXIES"] == 1


def test_serve_with_a_bad_setting_is_one_clear_line(capsys):
    from service.cli import main

    assert main(["serve", "--corpus", "/nonexistent/library"]) == 2
    assert "error: CORPUS_DIR: library folder not found" in capsys.readouterr().err
