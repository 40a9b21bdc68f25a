#!/bin/sh
# `changeset status` as the tests run it: every .changeset/*.md must parse and name workspace packages,
# and packages changed since the base branch need a pending changeset. It compares with the base branch
# of .changeset/config.json ("main") locally, without fetching: when a clone has no local branch of that
# name (a detached CI checkout) it compares with origin/<base>, else with HEAD.
set -eu
cd "$(dirname "$0")/.."
base=$(node -p 'JSON.parse(require("node:fs").readFileSync(".changeset/config.json", "utf8")).baseBranch')
if git rev-parse -q --verify "refs/heads/$base" >/dev/null; then
	exec changeset status
elif git rev-parse -q --verify "refs/remotes/origin/$base" >/dev/null; then
	exec changeset status --since="origin/$base"
else
	echo "changeset-status: no branch $base or origin/$base in this clone: comparing with HEAD" >&2
	exec changeset status --since=HEAD
fi
