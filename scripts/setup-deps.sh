#!/usr/bin/env bash
# Installs the Debian packages rta needs to build and test, if any is missing.
# Idempotent: does nothing when everything is installed. As root it runs
# apt-get; otherwise it prints the one command to run and fails.
#   scripts/setup-deps.sh [build|bench|fuzz]...   (default: build)
set -euo pipefail

build_pkgs=(gcc make cmake ninja-build pkg-config libsqlite3-dev zlib1g-dev libcmocka-dev
            clang-format iso-codes)
fuzz_pkgs=(clang libclang-rt-14-dev)
bench_pkgs=(python3 python3-pandas python3-numpy nodejs npm hyperfine)

want=()
for set in "${@:-build}"; do
  case "$set" in
    build) want+=("${build_pkgs[@]}") ;;
    fuzz) want+=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
    bench) want+=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
    *) echo "setup-deps: unknown set '$set' (build, fuzz, bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# de-duplicate
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "rta needs these Debian packages: ${missing[*]}" >&2
  echo "run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "setup-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
