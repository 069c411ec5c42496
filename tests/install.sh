#!/bin/sh
# Installs what the tests need: the project with its test extras, Debian's Chromium for the
# browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser of its own),
# Debian's Virtuoso Open Source 7 for the SPARQL store tests (tests/virtuoso.py) and Debian's
# raptor2 `rapper` for the export format tests (an independent RDF parser).
set -eu
cd "$(dirname "$0")/.."
python -m pip install --quiet -e '.[test]'

# apt_install PACKAGE MISSING TESTS: install a Debian package when root with apt-get, otherwise
# say that MISSING cannot be installed and TESTS will be skipped.
updated=
apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        [ -n "$updated" ] || apt-get update -qq
        updated=1
        apt-get install -y -qq "$1" >/dev/null
    else
        echo "tests/install.sh: $2 is missing and cannot be installed here" \
             "(needs root and apt-get); $3 will be skipped" >&2
    fi
}

if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium /usr/bin/chromium "the browser tests"
fi
if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
    apt_install virtuoso-opensource virtuoso-t "the SPARQL store tests"
fi
if ! command -v rapper >/dev/null 2>&1; then
    apt_install raptor2-utils rapper "the export format tests"
fi
