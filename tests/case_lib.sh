# Shared by the shell test cases that run an experiment binary against real
# spawned servers (sourced, not run). Each case works in a dir of its own
# with a TMPDIR inside it, so whatever the binary spawned or left there can
# be found afterwards.
#
#   case_begin PREFIX     work dir, TMPDIR, $out, $err, status=0
#   fail MESSAGE          records a failure (and shows the output)
#   expect_out / expect_err TEXT, expect_one_err_line
#   case_end [keep]       nothing left running or in TMPDIR; removes the
#                         work dir (kept on failure with "keep"); exits

case_begin() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1-XXXXXX")
  export TMPDIR="$work/tmp"
  mkdir -p "$TMPDIR"
  out="$work/stdout"
  err="$work/stderr"
  : >"$out"
  : >"$err"
  status=0
}

fail() {
  echo "FAIL ($case_name): $*" >&2
  echo "--- stderr" >&2
  cat "$err" >&2
  echo "--- stdout (tail)" >&2
  tail -40 "$out" >&2
  status=1
}

expect_out() { grep -qF -- "$1" "$out" || fail "stdout lacks: $1"; }
expect_err() { grep -qF -- "$1" "$err" || fail "stderr lacks: $1"; }
expect_one_err_line() {
  [[ $(wc -l <"$err") -eq 1 ]] || fail "stderr is not exactly one line"
}

case_end() {
  # Servers started from this TMPDIR (and the janitor) must be gone.
  sleep 0.2
  if pgrep -f -- "$TMPDIR/" >/dev/null; then
    fail "a process started from $TMPDIR is still running: $(pgrep -af -- "$TMPDIR/")"
  fi
  local left
  left=$(ls -A "$TMPDIR")
  [[ -z $left ]] || fail "left in $TMPDIR: $left"
  [[ $status -eq 0 ]] && echo "ok: $case_name"
  if [[ $status -eq 0 || "${1:-}" != keep ]]; then
    rm -rf "$work"
  fi
  exit $status
}
