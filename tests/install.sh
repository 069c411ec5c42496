#!/bin/sh
# Installs what the tests need: the project with its test extras, and Debian's Chromium for the
# browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser of its own).
set -eu
cd "$(dirname "$0")/.."
python -m pip install --quiet -e '.[test]'
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium >/dev/null
    else
        echo "tests/install.sh: /usr/bin/chromium is missing and cannot be installed here" \
             "(needs root and apt-get); the browser tests will be skipped" >&2
    fi
fi
