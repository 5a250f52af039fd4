#!/usr/bin/env bash
# Sets up a fresh checkout: installs the workspace with pnpm, and with --test also installs what the
# test tiers need from Debian (a Secret Service for the keychain tests, Chromium for the browser tests,
# curl and python3-requests for the interop tests and the export bench's Python baseline, GNU time
# for the benches' peak-RSS figures, zsh and fish for the completion tests). And R with httr
# (r-base-core, r-cran-httr, r-cran-curl), without their recommends: LabKey's R client (Rlabkey)
# reaches the server through httr and libcurl, which read the netrc lk writes, so the interop tier
# runs that real reader (test/interop/r-netrc) instead of modelling it; ~7 s of apt-get on a
# machine whose Debian mirror is near (30.9 MB, 56 MB on disk).
#
# Why this script exists: pnpm 12 neither reads `nodedir` from .npmrc / /etc/npmrc nor accepts it in
# pnpm-workspace.yaml, so node-gyp (better-sqlite3 builds from source here) tries to download Node's
# headers and fails on a machine without general internet. Node ships its headers next to the
# binary on these machines; we point node-gyp at them through the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
for a in "$@"; do
  case "$a" in
    --test) want_test=1 ;;
    *) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
  esac
done

if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: pnpm not found; installing the pinned pnpm@12.4.2" >&2
  npm i -g pnpm@12.4.2 >/dev/null
fi

node_prefix=$(node -p 'require("node:path").dirname(require("node:path").dirname(process.execPath))')
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi

if [ "$want_test" = 1 ]; then
  need=()
  command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus)
  command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # the interop tier (test/interop) reads lk's netrc files with the real readers
  command -v curl >/dev/null 2>&1 || need+=(curl)
  # Debian's python3 with requests (what LabKey's Python client runs on); bench/export uses it too
  /usr/bin/python3 -c 'import requests' >/dev/null 2>&1 || need+=(python3-requests)
  # GNU time, for the peak-RSS figures of bench/export and the export memory tests
  [ -x /usr/bin/time ] || need+=(time)
  # lk completion zsh / fish are loaded and run in the real shells (test/e2e/completion)
  command -v zsh >/dev/null 2>&1 || need+=(zsh)
  command -v fish >/dev/null 2>&1 || need+=(fish)
  # R with httr over libcurl, as Rlabkey reads the netrc (test/interop/r-netrc); without
  # recommends, which would add r-recommended, r-base-dev (a compiler tool chain) and R's HTML docs
  need_r=()
  Rscript -e 'library(httr); library(jsonlite)' >/dev/null 2>&1 || need_r+=(r-base-core r-cran-httr r-cran-curl r-cran-jsonlite)
  if [ ${#need[@]} -gt 0 ] || [ ${#need_r[@]} -gt 0 ]; then
    echo "setup: installing from Debian: ${need[*]} ${need_r[*]}" >&2
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq >/dev/null
    [ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
    [ ${#need_r[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_r[@]}" >/dev/null
  fi
fi

pnpm install --frozen-lockfile=false
