#!/usr/bin/env bash
# pretest: test/nginx-topology.test.ts runs Debian's nginx with deploy/nginx.conf in front of two nodes, as a child of
# the test on ports of its own. Only the binary is needed here.
set -euo pipefail
if [ -x /usr/sbin/nginx ]; then exit 0; fi
if [ "$(id -u)" = "0" ]; then
  apt-get update && apt-get install -y nginx
  # The package starts a server of its own on port 80 where services may start, and enables it at boot; the test
  # starts its own, so the package's is stopped and disabled.
  if [ -s /run/nginx.pid ]; then /usr/sbin/nginx -s stop || true; fi
  if [ -d /run/systemd/system ]; then
    systemctl disable --now nginx || true
  elif command -v update-rc.d >/dev/null; then
    update-rc.d nginx disable || true
  fi
else
  echo "The nginx test needs Debian's nginx package: run 'sudo apt-get update && sudo apt-get install -y nginx' and retry." >&2
  exit 1
fi
