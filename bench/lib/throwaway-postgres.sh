# Sourced by the bench scripts: starts a throw-away PostgreSQL (Debian's postgresql package, default
# settings: fsync and synchronous_commit on) in a temporary directory on a free port, with password
# logins for the role "vernier"; stops and removes it when the script exits.
# After sourcing: $pg_port, $pg_dir, PGPASSWORD exported, and pg_createdb NAME.
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[[ -x "$pg_bin/initdb" ]] || { echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1; }
pg_as=()
[[ "$(id -u)" == 0 ]] && pg_as=(runuser -u postgres --)
pg_dir="$(mktemp -d /tmp/vernier-bench-pg.XXXXXX)"
pg_port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export PGPASSWORD="bench-$(date +%s%N)"
printf '%s\n' "$PGPASSWORD" > "$pg_dir/pw"
[[ "$(id -u)" == 0 ]] && chown -R postgres "$pg_dir"
pg_cleanup() {
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap pg_cleanup EXIT
"${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U vernier --pwfile="$pg_dir/pw" --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 >/dev/null
"${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_dir -c max_connections=200" start >/dev/null
pg_createdb() { "${pg_as[@]}" "$pg_bin/createdb" -h "$pg_dir" -p "$pg_port" -U vernier "$1"; }
pg_show() { "${pg_as[@]}" "$pg_bin/psql" -h "$pg_dir" -p "$pg_port" -U vernier -Atc "show $1" postgres; }
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') at 127.0.0.1:$pg_port (fsync=$(pg_show fsync), synchronous_commit=$(pg_show synchronous_commit))"
