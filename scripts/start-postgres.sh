#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the tests. Source it, then:
#   postgres_bin      prints the directory of PostgreSQL's binaries, or fails when they are not installed
#   start_postgres    starts a server in a fresh temp dir and exports COPYDESK_TEST_POSTGRES_URL
#   stop_postgres     stops that server and deletes its files (safe to call twice, or before a start)
# The binaries are looked for in $COPYDESK_PG_BIN if set, else the newest /usr/lib/postgresql/*/bin
# (Debian's packages), else beside `initdb` on PATH. Run as root, the server runs as `postgres`.

postgres_bin() {
  local dir
  if [ -n "${COPYDESK_PG_BIN:-}" ]; then
    dir=$COPYDESK_PG_BIN
  else
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] || dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  fi
  [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

start_postgres() {
  pg_bin=$(postgres_bin) || { echo "PostgreSQL's binaries (initdb, pg_ctl) not found: apt install postgresql" >&2; return 1; }
  pg_dir=$(mktemp -d /tmp/copydesk-pg.XXXXXX)
  # A free loopback port, so a server already running here (another checkout, a previous run) is no obstacle.
  local port=${COPYDESK_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  pg_run_as=()
  if [ "$(id -u)" = "0" ]; then
    chown postgres:postgres "$pg_dir"
    pg_run_as=(runuser -u postgres --)
  fi
  "${pg_run_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust >/dev/null
  "${pg_run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off" start >/dev/null
  export COPYDESK_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL ready at 127.0.0.1:$port" >&2
}

stop_postgres() {
  [ -n "${pg_dir:-}" ] || return 0
  "${pg_run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
  pg_dir=
}
