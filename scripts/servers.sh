#!/usr/bin/env bash
# Fetches the nats-server binaries of newer Debian releases next to the
# system one, so every experiment can be measured on 2.9, 2.10 and 2.15 side
# by side. Uses apt with a private configuration under the cache dir (its
# own sources list, lists and archives): /etc/apt and the installed packages
# are never touched, and it works as any user. Idempotent: a version already
# extracted is not downloaded again.
#
#   scripts/servers.sh [--cache DIR] [--list [--only PATH[,PATH]]] [SUITE[=DEBVERSION] ...]
#
# SUITE is a Debian suite whose nats-server to fetch (default: trixie sid,
# that is 2.10.x and 2.15.x); =DEBVERSION pins one package version. Prints
# one line "VERSION PATH" per server it has, the system's first. --list
# prints what is cached without touching the network (--only: just those
# binaries, exit 1 if one is not a nats-server). Exit 1 with one line
# when the archive cannot be reached or a version is missing; the servers
# already cached stay usable.
set -euo pipefail

home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
cache=${NATSEXP_CACHE:-${XDG_CACHE_HOME:-${home:-/tmp}/.cache}/natsexp}
list_only=0
only=
suites=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cache)
      [[ $# -ge 2 && -n "$2" ]] || { echo "servers: --cache needs a directory" >&2; exit 2; }
      cache=$2
      shift
      ;;
    --list) list_only=1 ;;
    --only)
      [[ $# -ge 2 && -n "$2" ]] || { echo "servers: --only needs PATH[,PATH]" >&2; exit 2; }
      only=$2
      shift
      ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    -*) echo "servers: unknown option '$1' (see scripts/servers.sh --help)" >&2; exit 2 ;;
    *)
      [[ "$1" =~ ^[a-z][a-z0-9-]*(=[A-Za-z0-9.+~:-]+)?$ ]] ||
        { echo "servers: '$1' is not SUITE or SUITE=DEBVERSION" >&2; exit 2; }
      suites+=("$1")
      ;;
  esac
  shift
done
((${#suites[@]} > 0)) || suites=(trixie sid)

# Prints "VERSION PATH" for a nats-server binary (nothing if it will not run).
describe() {
  local v
  v=$("$1" --version 2>/dev/null | sed -n 's/^nats-server: v\{0,1\}//p') || true
  [[ -n "$v" ]] && echo "$v $1"
}

list_servers() {
  local sys
  sys=$(command -v nats-server || true)
  [[ -n "$sys" ]] && describe "$sys"
  local d
  for d in "$cache"/servers/*; do
    [[ -x "$d/usr/sbin/nats-server" ]] && describe "$d/usr/sbin/nats-server"
  done | sort -V
  return 0
}

if ((list_only)); then
  if [[ -n "$only" ]]; then
    IFS=, read -r -a paths <<<"$only"
    for p in "${paths[@]}"; do
      describe "$p" || { echo "servers: $p is not a nats-server binary that runs" >&2; exit 1; }
    done
    exit 0
  fi
  list_servers
  exit 0
fi

apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$cache/servers" ||
  { echo "servers: cannot create $cache" >&2; exit 1; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r "$keyring" ]] || { echo "servers: $keyring is missing (package debian-archive-keyring)" >&2; exit 1; }
sources=$apt_dir/sources.list
declare -A seen=()
wanted=
for s in "${suites[@]}"; do
  suite=${s%%=*}
  [[ -n "${seen[$suite]:-}" ]] && continue
  seen[$suite]=1
  wanted+="deb [signed-by=$keyring] http://deb.debian.org/debian $suite main"$'\n'
done
# Lists younger than a day for the same suites are reused: a second call
# (every test.sh run) does not go to the network.
fresh=0
if [[ -f "$sources" && "$(cat "$sources")"$'\n' == "$wanted" ]] &&
  [[ -n "$(find "$apt_dir/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ]]; then
  fresh=1
fi
printf '%s' "$wanted" >"$sources"
apt_opts=(
  -o "Dir::Etc::SourceList=$sources" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o "Dir::Cache::archives=$apt_dir/archives"
  -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)"
  -o Acquire::Retries=2 -o Acquire::http::Timeout=20
)

if ((fresh == 0)) && ! apt-get "${apt_opts[@]}" -qq update >"$apt_dir/update.log" 2>&1 ||
  grep -q '^\(E\|W\): Failed to fetch' "$apt_dir/update.log"; then
  if grep -q 'does not have a Release file' "$apt_dir/update.log"; then
    echo "servers: the Debian archive has no suite among ${!seen[*]} (see $apt_dir/update.log)" >&2
    list_servers
    exit 1
  fi
  echo "servers: cannot reach the Debian archive for ${!seen[*]} (see $apt_dir/update.log)" >&2
  list_servers
  exit 1
fi

status=0
for s in "${suites[@]}"; do
  suite=${s%%=*}
  pin=
  [[ "$s" == *=* ]] && pin=${s#*=}
  if [[ -z "$pin" ]]; then
    # The candidate of that suite's own Packages list (remembered with the
    # lists: reading them takes seconds).
    remembered=$apt_dir/candidate.$suite
    if ((fresh)) && [[ -s "$remembered" ]]; then
      pin=$(cat "$remembered")
    else
      pin=$(apt-cache "${apt_opts[@]}" madison nats-server 2>/dev/null |
        awk -F'|' -v s="$suite/" 'index($3, s) { gsub(/ /, "", $2); print $2; exit }')
      [[ -n "$pin" ]] && echo "$pin" >"$remembered"
    fi
    if [[ -z "$pin" ]]; then
      echo "servers: Debian $suite has no nats-server package" >&2
      status=1
      continue
    fi
  fi
  upstream=${pin#*:}
  upstream=${upstream%%-*}
  dest=$cache/servers/$upstream
  if [[ -x "$dest/usr/sbin/nats-server" ]]; then
    continue
  fi
  work=$(mktemp -d "$cache/servers/.fetch-XXXXXX")
  if ! (cd "$work" && apt-get "${apt_opts[@]}" -qq download "nats-server=$pin" >download.log 2>&1); then
    echo "servers: nats-server=$pin is not in Debian $suite ($(tail -n1 "$work/download.log"))" >&2
    rm -rf "$work"
    status=1
    continue
  fi
  if ! dpkg-deb -x "$work"/nats-server_*.deb "$work/x" || [[ ! -x "$work/x/usr/sbin/nats-server" ]]; then
    echo "servers: the nats-server=$pin package holds no usr/sbin/nats-server" >&2
    rm -rf "$work"
    status=1
    continue
  fi
  rm -rf "$dest"
  mv "$work/x" "$dest"
  rm -rf "$work"
done
list_servers
exit $status
