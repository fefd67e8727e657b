# Sourced by the bench scripts: start_throwaway_pg PORT [SERVER SETTINGS...] starts a throw-away PostgreSQL from Debian's binaries
# (apt-get install postgresql) on 127.0.0.1:PORT, trust authentication, a fresh data directory under /tmp, and
# stops it and removes the directory when the calling script exits. Run as root (PostgreSQL runs as user postgres).
start_throwaway_pg() {
  local port=$1; shift
  local settings=""; for setting in "$@"; do settings="$settings -c $setting"; done
  pg=$(mktemp -d /tmp/flowcast-bench-pg.XXXXXX)
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | head -1)
  chown postgres "$pg"
  as_postgres "$pgbin/initdb -D $pg -A trust -U postgres" >/dev/null
  as_postgres "$pgbin/pg_ctl -D $pg -l $pg/server.log -o '-p $port -k $pg -c listen_addresses=127.0.0.1$settings' -w start" >/dev/null
  trap 'as_postgres "$pgbin/pg_ctl -D $pg -m fast -w stop" >/dev/null; rm -rf "$pg"' EXIT
}

as_postgres() { su postgres -s /bin/sh -c "$*"; }
