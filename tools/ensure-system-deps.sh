#!/bin/sh
# Installs what `pnpm test` needs from the system, from Debian's archive with apt-get, when it is
# missing (never a browser or toolchain download from elsewhere):
#   chromium   /usr/bin/chromium, driven by the demo's end-to-end test through playwright-core
#   git        `changeset status` compares the working tree with the base branch
# Needs root (or password-less sudo) only when something is missing; otherwise it prints the command
# to run and fails.
set -eu
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v git >/dev/null 2>&1 || missing="$missing git"
[ -n "$missing" ] || exit 0

advice() {
	echo "ensure-system-deps: the tests need these Debian packages, which are missing:$missing" >&2
	echo "  $1" >&2
	exit 1
}
command -v apt-get >/dev/null 2>&1 ||
	advice "this is not a Debian-like system (no apt-get): install$missing with its package manager"
if [ "$(id -u)" = 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root="sudo"
else
	advice "install them as root, then run the tests again:  apt-get update && apt-get install -y$missing"
fi
echo "ensure-system-deps: installing$missing with apt-get" >&2
$as_root apt-get update -qq
# shellcheck disable=SC2086 # one word per package
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing >/dev/null
[ -x /usr/bin/chromium ] || advice "apt-get installed chromium, but /usr/bin/chromium is still missing"
