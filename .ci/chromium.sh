#!/usr/bin/env bash
# Make Debian's Chromium available to the browser tests (tests/web/) and export
# ADPILOT_TEST_CHROMIUM. Meant to be *sourced* (`.ci/run` does `source .ci/chromium.sh`).
#
# - uses /usr/bin/chromium when it is there;
# - otherwise installs Debian's `chromium` package (needs root + apt), as .ci/postgres.sh does
#   for PostgreSQL;
# - never downloads a browser any other way (no `playwright install`): Playwright drives this
#   binary through its `executable_path`.
# Any failure returns non-zero and leaves ADPILOT_TEST_CHROMIUM unset, so the browser tests
# skip with a message saying why.

_ap_chromium_main() {
  local bin
  bin="$(command -v chromium 2>/dev/null || true)"
  if [ -z "$bin" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "chromium: installing Debian's chromium package" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
        || { echo "chromium: apt-get install chromium failed" >&2; return 1; }
      bin="$(command -v chromium 2>/dev/null || true)"
      [ -n "$bin" ] || { echo "chromium: installed, but no chromium binary found" >&2; return 1; }
    else
      echo "chromium: not installed and cannot apt-get install (not root or no apt)" >&2
      return 1
    fi
  fi
  local version
  version="$("$bin" --version 2>/dev/null)" || { echo "chromium: $bin does not run" >&2; return 1; }
  echo "chromium: $version" >&2
  export ADPILOT_TEST_CHROMIUM="$bin"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  _ap_chromium_main && echo "export ADPILOT_TEST_CHROMIUM=$ADPILOT_TEST_CHROMIUM"
else
  _ap_chromium_main
fi
