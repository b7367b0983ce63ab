#!/usr/bin/env bash
# Start a throwaway PostgreSQL server from Debian's packages on 127.0.0.1 and export
# COPYDESK_TEST_POSTGRES_URL for the tests. Source it: `source scripts/start-postgres.sh`.
# Installs the server with apt-get when it is missing (CI runs as root on a clean machine).
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "installing PostgreSQL from Debian packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

pg_dir=$(mktemp -d /tmp/copydesk-pg.XXXXXX)
# A free loopback port, so a server already running here (another checkout, a previous run) is no obstacle.
pg_port=${COPYDESK_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
run_as=()
if [ "$(id -u)" = "0" ]; then
  chown postgres:postgres "$pg_dir"
  run_as=(runuser -u postgres --)
fi
"${run_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust >/dev/null
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off" start >/dev/null
export COPYDESK_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/postgres"
export COPYDESK_PG_DATA="$pg_dir/data"
echo "PostgreSQL ready at 127.0.0.1:$pg_port" >&2
