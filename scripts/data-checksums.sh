#!/usr/bin/env bash
# Regenerates data/SHA256SUMS after a deliberate change to the bundled data.
set -euo pipefail
cd "$(dirname "$0")/../data"
find . -type f ! -name SHA256SUMS ! -name '*.md' | sort | sed 's|^\./||' | xargs sha256sum > SHA256SUMS
echo "data/SHA256SUMS: $(wc -l < SHA256SUMS) files"
