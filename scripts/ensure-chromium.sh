#!/usr/bin/env bash
# pretest: the browser tests drive Debian's chromium through playwright-core; nothing may download a browser.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ]; then
  apt-get update && apt-get install -y chromium
else
  echo "Browser tests need /usr/bin/chromium: run 'sudo apt-get update && sudo apt-get install -y chromium' and retry." >&2
  exit 1
fi
