#!/usr/bin/env bash
# Run a command (`make test`'s pytest) with COPYDESK_TEST_POSTGRES_URL naming a PostgreSQL server,
# so the suite's PostgreSQL half runs too: the server already named there (.ci/run, your own), else
# a throwaway one started here and removed after, else none (PostgreSQL not installed: one line says so).
set -euo pipefail
source "$(dirname "$0")/start-postgres.sh"

if [ -z "${COPYDESK_TEST_POSTGRES_URL:-}" ]; then
  if postgres_bin >/dev/null; then
    trap 'code=$?; stop_postgres; exit $code' EXIT  # the command's status, even when interrupted
    start_postgres
  else
    echo "PostgreSQL half skipped: PostgreSQL is not installed (apt install postgresql), or set COPYDESK_TEST_POSTGRES_URL to a server." >&2
  fi
fi
"$@"
