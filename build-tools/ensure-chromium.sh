#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the dashboard's browser tests
# (server/src/test/java/io/parley/server/admin/DashboardBrowserIT.java). Run by the server build
# before its tests and by .ci/run. Installs the `chromium` package with apt-get when it is missing
# and this runs as root; otherwise fails with what to do. Exits 0 when Chromium is there.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: $CHROMIUM is missing and this is not root, so it cannot be installed." >&2
  echo "ensure-chromium: install Debian's package as root (apt-get install -y chromium) and build again." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and there is no apt-get; install Chromium there." >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium package (the browser tests need it)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium
if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: apt-get installed chromium but $CHROMIUM is still missing." >&2
  exit 1
fi
"$CHROMIUM" --version
