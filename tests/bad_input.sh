#!/usr/bin/env bash
# Runs every row of the bad-input table for one binary:
#
#   bad_input.sh TABLE NAME BINARY            check each row (exit 0 when all pass)
#   bad_input.sh TABLE NAME BINARY --markdown print the rows as a Markdown table with the
#                                             line the binary really printed
#
# Each row must give its exit code and exactly one line on stderr containing the expected
# text, with no sanitizer report, within 30 s, and leave no nats-server and no temp dir
# behind (every run gets a TMPDIR of its own).
set -uo pipefail

table=$1
name=$2
bin=$3
mode=${4:-check}
limit_s=30

work=$(mktemp -d "${TMPDIR:-/tmp}/bad-input-XXXXXX")
trap 'rm -rf "$work"' EXIT
file="$work/a-file"
: >"$file"
failed=0
rows=0

trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  s=${s%"${s##*[![:space:]]}"}
  printf '%s' "$s"
}

fail() {
  echo "FAIL: $name $shown: $*" >&2
  echo "  stderr: $(head -c 2000 "$work/err")" >&2
  failed=$((failed + 1))
}

# Nothing may outlive the run: no process started from its TMPDIR, no dir in it.
leftovers() {
  local tmp=$1
  for _ in $(seq 40); do
    if ! pgrep -f "$tmp/" >/dev/null && [[ -z $(ls -A "$tmp") ]]; then
      return 1
    fi
    sleep 0.05
  done
  return 0
}

if [[ $mode == --markdown ]]; then
  echo "| input | exit | message (the one line on stderr) |"
  echo "|---|---|---|"
fi

while IFS= read -r line; do
  [[ -z $line || $line == \#* ]] && continue
  IFS='|' read -r b code expect env args <<<"$line"
  b=$(trim "$b")
  [[ $b == "$name" ]] || continue
  code=$(trim "$code")
  expect=$(trim "$expect")
  env=$(trim "$env")
  args=$(trim "$args")
  expect=${expect//@FILE@/$file}
  env=${env//@FILE@/$file}
  args=${args//@FILE@/$file}
  eval "set -- $args"
  shown=$args
  [[ $env != - ]] && shown="$env${args:+ $args}"
  rows=$((rows + 1))

  tmp="$work/tmp"
  rm -rf "$tmp"
  mkdir "$tmp"
  envset=(TMPDIR="$tmp")
  [[ $env != - ]] && envset+=("$env")
  (cd "$work" && env "${envset[@]}" timeout -s TERM -k 5 "$limit_s" "$bin" "$@" \
    >"$work/out" 2>"$work/err")
  got=$?

  if [[ $mode == --markdown ]]; then
    msg=$(head -1 "$work/err" | sed "s|$file|FILE|g; s/|/\\\\|/g")
    input=$(printf '%s' "$shown" | sed "s|$file|FILE|g; s/|/\\\\|/g")
    echo "| \`$input\` | $got | $msg |"
    continue
  fi
  if [[ $got -eq 124 || $got -eq 137 ]]; then
    fail "did not finish within ${limit_s} s"
  elif [[ $got -ne $code ]]; then
    fail "exit $got, expected $code"
  fi
  lines=$(wc -l <"$work/err")
  if [[ $lines -ne 1 ]]; then
    fail "$lines lines on stderr, expected exactly one"
  elif ! grep -qF -- "$expect" "$work/err"; then
    fail "stderr lacks: $expect"
  fi
  if grep -qE 'Sanitizer|runtime error|LeakSanitizer' "$work/err"; then
    fail "sanitizer report"
  fi
  if leftovers "$tmp"; then
    fail "left behind: $(pgrep -af "$tmp/") $(ls -A "$tmp")"
    for pid in $(pgrep -f "$tmp/"); do kill -KILL "$pid" 2>/dev/null; done
  fi
done <"$table"

if [[ $mode != --markdown ]]; then
  if [[ $rows -eq 0 ]]; then
    echo "no rows for $name in $table" >&2
    exit 1
  fi
  echo "$name: $((rows - failed)) of $rows bad inputs behaved as the table says"
fi
[[ $failed -eq 0 ]]
