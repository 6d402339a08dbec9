#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the tests: user postgres without a
# password (trust, loopback only) and a database named "test". Installs the Debian package when
# missing and starts the cluster when it is stopped. Idempotent; for CI and developer machines only.
set -euo pipefail

log() { echo "postgres.sh: $*"; }
can_connect() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -w -tAc "SELECT 1" >/dev/null 2>&1; }

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null; then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$ver" ]; then
  ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  log "creating cluster $ver/main"
  pg_createcluster "$ver" main --port 5432 >/dev/null
fi
conf_dir=/etc/postgresql/$ver/main

if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  log "starting cluster $ver/main"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start
fi

for _ in $(seq 1 60); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  sleep 0.5
done

if ! can_connect; then
  log "allowing passwordless loopback connections for the tests (pg_hba.conf)"
  hba=$conf_dir/pg_hba.conf
  { echo "host all all 127.0.0.1/32 trust  # sepbots tests"; echo "local all all trust  # sepbots tests"; cat "$hba"; } > "$hba.new"
  mv "$hba.new" "$hba"
  chown postgres:postgres "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
  sleep 1
fi
can_connect || { log "cannot connect to PostgreSQL on 127.0.0.1:5432 as postgres"; exit 1; }

if [ "$(psql -h 127.0.0.1 -U postgres -d postgres -w -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'")" != "1" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -w -qc "CREATE DATABASE test"
fi
log "PostgreSQL $ver ready on 127.0.0.1:5432"
