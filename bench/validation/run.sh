#!/usr/bin/env bash
# Validation against reality: rta's MFN duty vs Census calculated duty, 2024.
# Rebuilds the inputs from data/trade/, runs rta in batch mode, prints the
# comparison (Markdown) on stdout. Method and results: docs/validation.md.
#
#   bench/validation/run.sh            # uses build/release/rta, a fresh store
#   RTA=path/to/rta VAL_DB=/tmp/val.db VAL_WORK=/tmp/val bench/validation/run.sh
#
# Without VAL_WORK the work folder (store, input, rta output) is temporary.
#
# Needs a built rta (cmake --preset release && cmake --build --preset release)
# and /usr/bin/python3 (standard library only). Reads only data/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RTA="${RTA:-$ROOT/build/release/rta}"
if [[ ! -x "$RTA" ]]; then
    echo "run.sh: no rta binary at $RTA; build it first:" >&2
    echo "  cmake --preset release && cmake --build --preset release" >&2
    exit 2
fi
if [[ -n "${VAL_WORK:-}" ]]; then
    WORK="$VAL_WORK"
    mkdir -p "$WORK"
else
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/rta-validation.XXXXXX")"
    trap 'rm -rf -- "$WORK"' EXIT
fi
DB="${VAL_DB:-$WORK/val.db}"
if [[ ! -s "$DB" ]]; then
    "$RTA" --db "$DB" import --data "$ROOT/data" --quiet
fi
/usr/bin/python3 "$ROOT/bench/validation/validate.py" \
    --root "$ROOT" --rta "$RTA" --db "$DB" --work "$WORK" "$@"
if [[ -n "${VAL_WORK:-}" ]]; then
    echo "run.sh: entries.csv, out.csv and rta_stderr.txt kept in $WORK" >&2
fi
