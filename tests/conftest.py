"""Test setup: gevent patches the standard library first, as the real entry point does."""

from gevent import monkey

monkey.patch_all()

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    """Every test gets its own XDG dirs and no EEN_* credentials from the developer's shell."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in ("EEN_USERNAME", "EEN_PASSWORD", "EEN_API_KEY", "EEN_LOGIN_URL", "EEN_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home
