"""Settings: sources, precedence, errors that name the key and file, and SEPBOTS_HOME isolation."""

from __future__ import annotations

from pathlib import Path

import pytest

from sepbots import ConfigError, load_settings


def test_defaults_put_all_state_under_home(tmp_path: Path) -> None:
    """The database, logs and run artifacts all live under the home folder."""
    s = load_settings(tmp_path, environ={})
    assert s.database_url == f"sqlite:///{(tmp_path / 'var' / 'sepbots.db').as_posix()}"
    assert s.logs_dir == tmp_path / "logs" and s.runs_dir == tmp_path / "var" / "runs"
    assert s.language == "da" and s.bot_paths == [tmp_path / "bots"]


def test_environment_beats_the_toml_file_and_overrides_beat_both(tmp_path: Path) -> None:
    """Precedence: overrides > SEPBOTS_ environment (with __ nesting) > config/sepbots.toml > defaults."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "sepbots.toml").write_text('language = "en"\n[queue]\nlease_s = 10\nheartbeat_s = 2\n')
    s = load_settings(tmp_path, environ={"SEPBOTS_QUEUE__LEASE_S": "20"})
    assert (s.language, s.queue.lease_s, s.queue.heartbeat_s) == ("en", 20.0, 2.0)
    s2 = load_settings(tmp_path, environ={"SEPBOTS_QUEUE__LEASE_S": "20"}, overrides={"queue": {"lease_s": 30}})
    assert s2.queue.lease_s == 30.0


def test_sepbots_home_from_the_environment(tmp_path: Path) -> None:
    """SEPBOTS_HOME chooses the installation when no home is given."""
    assert load_settings(environ={"SEPBOTS_HOME": str(tmp_path)}).home == tmp_path.resolve()


@pytest.mark.parametrize(("toml", "key"), [
    ('[database]\nbusy_timeout_s = -1\n', "database.busy_timeout_s"),
    ('[queue]\nlease_ms = 5\n', "queue.lease_ms"),
    ('language = "fr"\n', "language"),
])
def test_invalid_values_name_the_key_and_the_file(tmp_path: Path, toml: str, key: str) -> None:
    """A bad or unknown setting is a ConfigError naming the dotted key and the TOML file."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "sepbots.toml").write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert info.value.key == key
    assert "sepbots.toml" in str(info.value)


def test_an_invalid_value_is_explained_in_danish_and_english_without_quoting_it(tmp_path: Path) -> None:
    """Pydantic's reason comes in Danish and English after the lead-in, and the refused value is not repeated."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "sepbots.toml").write_text('[queue]\nlease_s = "0101901234x"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert info.value.message == "ugyldig indstilling / invalid setting: skal være et tal / must be a number"
    assert info.value.key == "queue.lease_s" and "sepbots.toml" in str(info.value)
    assert "0101901234" not in str(info.value)


def test_a_limit_is_named_in_both_languages(tmp_path: Path) -> None:
    """A value outside its bounds names the bound, Danish first."""
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={"SEPBOTS_QUEUE__LEASE_S": "0"})
    assert str(info.value) == ("ugyldig indstilling / invalid setting: skal være større end 0 / must be greater than 0 "
                               "(indstilling/key queue.lease_s)")


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    """A TOML syntax error is a ConfigError naming the file."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "sepbots.toml").write_text("[queue\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_path, environ={})


def test_environment_values_are_validated_too(tmp_path: Path) -> None:
    """A bad environment value names its key."""
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={"SEPBOTS_DASHBOARD__PORT": "seventy"})
    assert info.value.key == "dashboard.port"


def test_an_output_name_without_the_run_id_is_refused(tmp_path: Path) -> None:
    """outputs.name must hold {run}, so one run can never replace another run's output file."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "sepbots.toml").write_text('[outputs]\nname = "{stem}{suffix}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path, environ={})
    assert "outputs.name" in str(err.value) and "{run}" in str(err.value) and "sepbots.toml" in str(err.value)
    ok = load_settings(tmp_path, environ={"SEPBOTS_OUTPUTS__NAME": "{bot}-{run}{suffix}"})
    assert ok.outputs.name == "{bot}-{run}{suffix}"
