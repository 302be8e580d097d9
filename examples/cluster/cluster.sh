#!/usr/bin/env bash
# Two `mags serve` runners over one PostgreSQL server, started from this machine's PostgreSQL
# binaries on a temporary folder (no Docker, no TCP port for the database: a Unix socket in that
# folder). Any runner answers for every memory: the one that does not own a memory forwards
# its requests to the owner (see README, "Serving: a cluster over PostgreSQL").
#
#   bash examples/cluster/cluster.sh [PORT_A] [PORT_B]     # default 8787 8788; Ctrl-C stops it all
#
# Runners bind 127.0.0.1 with --no-auth (a local demo). Extra `mags serve` flags go in
# MAGS_SERVE_FLAGS. The binaries are looked for in $MAGS_PG_BIN, `pg_config --bindir`, then the
# newest /usr/lib/postgresql/*/bin.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
port_a=${1:-8787}
port_b=${2:-8788}

bin=${MAGS_PG_BIN:-}
if [ -z "$bin" ]; then
  bin=$(pg_config --bindir 2>/dev/null || true)
  if [ ! -x "$bin/initdb" ]; then bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true); fi
fi
if [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "cluster.sh: no PostgreSQL binaries (initdb, pg_ctl) found; install them (Debian: apt-get install postgresql)" \
    "or point MAGS_STORE at a server you run and start the runners by hand (README)" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/mags-cluster.XXXXXX")
as=()
# initdb refuses to run as root: the folder goes to the postgres user, who runs the server
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"${as[@]}" "$bin/initdb" -D "$dir/data" -U mags --auth=trust -E UTF8 --locale=C >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-k $dir -c listen_addresses=''" start >/dev/null
export MAGS_STORE="postgres://mags@localhost/postgres?host=$dir"
echo "cluster.sh: PostgreSQL on the socket in $dir; MAGS_STORE=$MAGS_STORE" >&2

# shellcheck disable=SC2086
node "$root/bin/mags.js" serve --no-auth --port "$port_a" --runner one ${MAGS_SERVE_FLAGS:-} &
pids+=($!)
# shellcheck disable=SC2086
node "$root/bin/mags.js" serve --no-auth --port "$port_b" --runner two ${MAGS_SERVE_FLAGS:-} &
pids+=($!)
wait -n "${pids[@]}"
