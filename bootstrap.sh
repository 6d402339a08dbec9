#!/usr/bin/env bash
# sepbots bootstrap: sets everything up (idempotent) and then runs the demo or the tests.
#   ./bootstrap.sh demo   — Debian packages when missing, .venv, Python packages, `sepbots init`, then `sepbots demo`
#   ./bootstrap.sh test   — the same, plus PostgreSQL for the fleet tests, then the whole test suite
# Extra arguments after `test` go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-demo}"; shift || true

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
PY="${PYTHON:-python3}"

need_pkgs=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_cmd chromium || need_pkgs+=(chromium)
have_cmd Xvfb || need_pkgs+=(xvfb)
have_cmd xdotool || need_pkgs+=(xdotool)
have_cmd scrot || need_pkgs+=(scrot)
have_cmd "$PY" || need_pkgs+=(python3)
"$PY" -c "import venv, ensurepip" >/dev/null 2>&1 || need_pkgs+=(python3-venv)
"$PY" -c "import tkinter" >/dev/null 2>&1 || need_pkgs+=(python3-tk)
if [ "$mode" = "test" ]; then
  have_cmd pg_ctlcluster || need_pkgs+=(postgresql)
  [ -x /usr/sbin/dovecot ] || need_pkgs+=(dovecot-imapd)  # the IMAP server the mail tests start privately
  have_cmd soffice || need_pkgs+=(libreoffice-writer-nogui)  # PDF letters (sepbots.letters, velkomstbreve)
fi
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.sepbots-installed"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test,bench]'
  echo "$want" > "$stamp"
fi

case "$mode" in
  demo)
    .venv/bin/sepbots init
    exec .venv/bin/sepbots demo
    ;;
  test)
    bash .ci/postgres.sh
    exec .venv/bin/python -m pytest -q "$@"
    ;;
  *)
    echo "usage: ./bootstrap.sh demo|test [pytest args]" >&2
    exit 2
    ;;
esac
