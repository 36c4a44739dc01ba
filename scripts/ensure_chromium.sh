#!/bin/sh
# Install Debian's chromium for the browser tests when /usr/bin/chromium is missing.
# Quiet and non-interactive (apt's output is shown only if it fails); sudo only when not root.
set -e
[ -x /usr/bin/chromium ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
LOG=$(mktemp)
echo "installing chromium for the headless browser tests..." >&2
if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
       $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >"$LOG" 2>&1; then
    cat "$LOG" >&2; rm -f "$LOG"; exit 1
fi
rm -f "$LOG"
[ -x /usr/bin/chromium ]
