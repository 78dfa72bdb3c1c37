# Sourced by scripts/backup.sh and scripts/restore.sh: finds the PostgreSQL client programs of
# the server's major version. pg_dump refuses a server newer than itself, and a dump made by a
# newer pg_dump may not restore with an older pg_restore, so "the one on PATH" is not enough on a
# machine with several versions (Debian keeps each in /usr/lib/postgresql/<major>/bin).
#
#   pg_tool pg_dump "$DATABASE_URL"   -> prints the path of a pg_dump that fits that server
#
# PG_BIN=/path/to/bin overrides the search.
#
#   pg_hide_password VAR             -> VAR's URL without its password, the password in PGPASSWORD
#
# A password on a command line is readable by every user of the machine (ps, /proc/PID/cmdline)
# and lands in process accounting: the programs get the URL without it, libpq reads PGPASSWORD.

pg_hide_password() {
  local name=$1 url password
  { IFS= read -r url; IFS= read -r password; } < <(python3 - "${!name}" <<'PY'
import sys
from urllib.parse import unquote, urlsplit, urlunsplit

url = urlsplit(sys.argv[1])
if url.password is None:
    print(sys.argv[1])
    print()
else:
    user, _, host = url.netloc.rpartition("@")
    print(urlunsplit(url._replace(netloc=f"{user.partition(':')[0]}@{host}")))
    print(unquote(url.password))
PY
  )
  [ -n "$url" ] || { echo "cannot read the database URL in $name" >&2; return 1; }
  printf -v "$name" '%s' "$url"
  if [ -n "$password" ]; then
    export PGPASSWORD=$password
  fi
}

pg_server_major() {
  local num
  num=$(psql "$1" -X -A -t -c "SHOW server_version_num") || return 1
  echo $(( num / 10000 ))
}

pg_tool_major() {
  # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" -> 15
  "$1" --version 2>/dev/null | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p'
}

pg_tool() {
  local tool=$1 url=$2 major candidate found_major
  major=$(pg_server_major "$url") || { echo "cannot reach the database to ask its version" >&2; return 1; }
  for candidate in ${PG_BIN:+"$PG_BIN/$tool"} "/usr/lib/postgresql/$major/bin/$tool" \
      "/usr/pgsql-$major/bin/$tool" "/opt/homebrew/opt/postgresql@$major/bin/$tool" \
      "$(command -v "$tool")"; do
    [ -x "$candidate" ] || continue
    found_major=$(pg_tool_major "$candidate")
    if [ "$found_major" = "$major" ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "no $tool of PostgreSQL $major found (install postgresql-client-$major or set PG_BIN)" >&2
  return 1
}
