#!/usr/bin/env bash
# pretest: the storage and API suites also run on PostgreSQL, on a throwaway server started by the test run itself
# (test/helpers/postgres-before.ts) from Debian's `postgresql` binaries. Only the binaries are needed here.
set -euo pipefail
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ]; then
  apt-get update && apt-get install -y postgresql
  # The package starts a server of its own; the tests start theirs, so the package's is stopped.
  (command -v pg_ctlcluster >/dev/null && pg_lsclusters -h | while read -r version name _; do
    pg_ctlcluster "$version" "$name" stop || true
  done) || true
else
  echo "The PostgreSQL suites need Debian's postgresql package: run 'sudo apt-get update && sudo apt-get install -y postgresql' and retry." >&2
  exit 1
fi
