#!/bin/sh
# Prints the path of a Node 24 LTS binary, fetching it once from the npm registry: the package
# node-linux-<arch>@<version> holds the official build in bin/node (`npm pack`, untar; never a download
# from elsewhere). Cached in ${XDG_CACHE_HOME:-~/.cache}/offheap/, so later runs need no network.
# OFFHEAP_NODE24_VERSION overrides the pinned version below (bump it with each 24.x release we test on).
set -eu
version=${OFFHEAP_NODE24_VERSION:-24.22.3}
case $(uname -m) in
x86_64 | amd64) arch=x64 ;;
aarch64 | arm64) arch=arm64 ;;
*)
	echo "node24: no node-linux-* package for $(uname -m); set OFFHEAP_NODE to the path of a Node 24 binary" >&2
	exit 2
	;;
esac
dir=${XDG_CACHE_HOME:-$HOME/.cache}/offheap/node-v$version-linux-$arch
if [ ! -x "$dir/bin/node" ]; then
	echo "node24: fetching Node $version (npm pack node-linux-$arch@$version) into $dir" >&2
	mkdir -p "$(dirname "$dir")"
	tmp=$(mktemp -d "$dir.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
	tar -xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$tmp" package/bin/node package/LICENSE
	"$tmp/package/bin/node" --version >/dev/null
	# Another run may have finished first: keep whichever copy landed.
	mv -T "$tmp/package" "$dir" 2>/dev/null || [ -x "$dir/bin/node" ]
fi
echo "$dir/bin/node"
