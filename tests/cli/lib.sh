# Shared helpers of the CLI contract tests (sourced; not a test itself).
# Sets RTA and RTA_DB from the arguments RTA_BIN DB, a scratch folder $T
# removed at exit, and counts checks: ok, bad MESSAGE, expect_exit CODE CMD...,
# py PYTHON_CHECK MESSAGE (on the last command's stdout), finish.
set -uo pipefail
RTA=$1 DB=$2
export RTA_DB=$DB
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect_exit() {
  local want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [[ $got -eq $want ]]; then ok; else bad "exit $got (wanted $want): $*"; cat "$T/err" >&2; fi
}
py() { python3 -c "$1" <"$T/out" && ok || bad "check failed: $2"; }
finish() {
  echo "$passes passed, $fails failed"
  [[ $fails -eq 0 ]]
}
