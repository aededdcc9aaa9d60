#!/bin/sh
# Make sure the Debian packages the test suite needs are present:
# the two XMPP servers the integration tests start, openssl for their
# certificates, Libervia (backend, CLI, and the two Recommends its Markdown
# needs) for the interop tests, and python3-venv where the Python lacks ensurepip.
# As root it installs what is missing; otherwise it prints the one
# command to run and carries on (the server tests then skip, or fail
# under CI=true).
set -eu

PYTHON=${PYTHON:-python3}
missing=""
command -v prosody >/dev/null 2>&1 || [ -x /usr/sbin/prosody ] || [ -x /usr/bin/prosody ] || missing="$missing prosody"
command -v ejabberdctl >/dev/null 2>&1 || [ -x /usr/sbin/ejabberdctl ] || missing="$missing ejabberd"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
[ -x /usr/bin/libervia-backend ] || missing="$missing libervia-backend"
[ -x /usr/bin/libervia-cli ] || missing="$missing libervia-cli"
/usr/bin/python3 -c 'import markdown' >/dev/null 2>&1 || missing="$missing python3-markdown"
/usr/bin/python3 -c 'import html2text' >/dev/null 2>&1 || missing="$missing python3-html2text"
"$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$missing python3-venv"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >/dev/null
else
  echo "missing Debian packages; run: sudo apt-get install -y$missing"
fi
