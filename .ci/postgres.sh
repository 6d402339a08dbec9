#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the fleet tests (trust auth for postgres).
set -euo pipefail
SUDO=""; [ "$(id -u)" != "0" ] && SUDO="sudo"
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then exit 0; fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
ver="$(ls /etc/postgresql | sort -V | tail -n 1)"
hba="/etc/postgresql/$ver/main/pg_hba.conf"
if ! $SUDO grep -q "sepbots-ci" "$hba"; then
  # Local test server only: trust loopback connections so tests need no password.
  printf '# sepbots-ci\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust\n' | $SUDO tee /tmp/sepbots-hba >/dev/null
  $SUDO sh -c "cat '$hba' >> /tmp/sepbots-hba && cp /tmp/sepbots-hba '$hba'"
fi
$SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && exit 0
  sleep 1
done
echo "PostgreSQL did not start" >&2
exit 1
