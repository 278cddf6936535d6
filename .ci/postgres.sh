#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback for the checkpointer tests and export
# ADPILOT_TEST_POSTGRES_URL. Meant to be *sourced* (`.ci/run` does `source .ci/postgres.sh`);
# run directly it prints the export line instead.
#
# - installs Debian's `postgresql` package if no initdb is found (needs root + apt);
# - initdb + pg_ctl as the `postgres` user (initdb refuses root) in a fresh temp dir;
# - listens on 127.0.0.1 only, on a free port, trust auth for loopback;
# - stops the cluster and removes the dir when the sourcing shell exits.
# Any failure returns non-zero and leaves ADPILOT_TEST_POSTGRES_URL unset, so the tests skip
# with a message saying why.

_ap_pg_main() {
  local bindir initdb pgctl datadir port owner
  _ap_pg_find() {
    bindir=""
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
      bindir="$(pg_config --bindir)"
    else
      bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    fi
    [ -n "$bindir" ] && [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ]
  }
  if ! _ap_pg_find; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "postgres: installing Debian's postgresql package" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
        || { echo "postgres: apt-get install postgresql failed" >&2; return 1; }
      _ap_pg_find || { echo "postgres: installed, but no initdb found" >&2; return 1; }
    else
      echo "postgres: no initdb and cannot apt-get install (not root or no apt)" >&2
      return 1
    fi
  fi
  initdb="$bindir/initdb"
  pgctl="$bindir/pg_ctl"

  # initdb refuses to run as root: use the postgres user the Debian package creates.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "postgres: no 'postgres' user" >&2; return 1; }
    owner=postgres
    _ap_pg_run() { su postgres -s /bin/sh -c "$*"; }
  else
    owner="$(id -un)"
    _ap_pg_run() { sh -c "$*"; }
  fi

  datadir="$(mktemp -d /tmp/adpilot-pg.XXXXXX)" || return 1
  chown "$owner" "$datadir" 2>/dev/null || true
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')" \
    || { echo "postgres: could not pick a free port" >&2; return 1; }

  _ap_pg_run "'$initdb' -D '$datadir/data' -U postgres --auth=trust --encoding=UTF8 --no-locale" \
    >"$datadir/initdb.log" 2>&1 \
    || { echo "postgres: initdb failed (see $datadir/initdb.log)" >&2; return 1; }
  _ap_pg_run "'$pgctl' -D '$datadir/data' -l '$datadir/server.log' -w -t 30 \
      -o \"-c listen_addresses=127.0.0.1 -p $port -k '$datadir' -c fsync=off\" start" \
    >/dev/null 2>&1 \
    || { echo "postgres: server did not start (see $datadir/server.log)" >&2; return 1; }

  export ADPILOT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  export ADPILOT_TEST_POSTGRES_DIR="$datadir"
  echo "postgres: running on 127.0.0.1:$port (data in $datadir)" >&2
  # Stop the throwaway cluster when the shell that sourced us exits.
  # shellcheck disable=SC2064
  if [ "$owner" = postgres ]; then
    trap "su postgres -s /bin/sh -c \"'$pgctl' -D '$datadir/data' -m immediate stop\" >/dev/null 2>&1; rm -rf '$datadir'" EXIT
  else
    trap "'$pgctl' -D '$datadir/data' -m immediate stop >/dev/null 2>&1; rm -rf '$datadir'" EXIT
  fi
  return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Executed, not sourced: start it, print the export line, and leave it running.
  _ap_pg_main || exit 1
  trap - EXIT
  echo "export ADPILOT_TEST_POSTGRES_URL=$ADPILOT_TEST_POSTGRES_URL"
  echo "# stop with: su postgres -s /bin/sh -c \"pg_ctl -D $ADPILOT_TEST_POSTGRES_DIR/data stop\""
else
  _ap_pg_main
fi
