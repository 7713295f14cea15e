#!/bin/sh
# What the tests and the demo need from outside npm, installed from Debian's
# packages when missing (npm runs this before `npm start` and `npm test`):
#   - a Java 17 JDK: DynamoDB Local (the embedded database) is a Java program,
#     and our launcher that binds it to 127.0.0.1 runs through the JDK's
#     source launcher (jdk.compiler);
#   - curl: the demo prints curl lines, and a test runs them as printed;
#   - dpkg-deb: `npm run package` builds the relay's .deb (and a test does);
#   - chromium, with `--browser` (npm test): the console's browser tests drive
#     Debian's Chromium through playwright-core, which never downloads a
#     browser of its own; and a Chinese font (WenQuanYi Micro Hei, 1.6 MB) so
#     the Chinese pages' screenshots show characters. `npm start` needs neither.
set -eu

need=""
if ! command -v java >/dev/null 2>&1 || ! java --list-modules 2>/dev/null | grep -q '^jdk.compiler'; then
  need="$need openjdk-17-jdk-headless"
fi
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v md5sum >/dev/null 2>&1 || need="$need coreutils"
command -v dpkg-deb >/dev/null 2>&1 || need="$need dpkg"
if [ "${1:-}" = "--browser" ]; then
  [ -x /usr/bin/chromium ] || need="$need chromium"
  fc-list :lang=zh 2>/dev/null | grep -q . || need="$need fonts-wqy-microhei"
fi

[ -z "$need" ] && exit 0

echo "installing system packages:$need" >&2
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "missing:$need - install them (Debian: apt-get install$need) and run again" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
