#!/bin/sh
# Install a Java runtime for the Spark test (pyspark 4 runs Spark in a JVM, Java 17+) when none is on PATH.
# Quiet and non-interactive (apt's output is shown only if it fails); sudo only when not root.
set -e
command -v java >/dev/null 2>&1 && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
LOG=$(mktemp)
echo "installing a Java runtime for the Spark test..." >&2
if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
       $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless; } >"$LOG" 2>&1; then
    cat "$LOG" >&2; rm -f "$LOG"; exit 1
fi
rm -f "$LOG"
command -v java >/dev/null 2>&1
