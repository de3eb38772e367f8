#!/usr/bin/env bash
# Make sure Debian's Chromium is installed: the browser tests (conformance/browser) drive it
# through Playwright. As root with apt-get it is installed; otherwise say what to do.
set -euo pipefail
CHROMIUM="${DTU_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: installing Debian's chromium for the browser tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Fonts: DejaVu for text, Noto Color Emoji for Slack's emoji (screenshots show them as people see them).
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-noto-color-emoji >/dev/null
    exit 0
fi
echo "ensure-chromium: $CHROMIUM is missing. Install Debian's chromium (apt-get install chromium)," >&2
echo "or point DTU_CHROMIUM at a Chromium binary." >&2
exit 1
