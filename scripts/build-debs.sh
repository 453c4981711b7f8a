#!/bin/sh
# build-debs.sh OUTDIR: dpkg-buildpackage -us -uc -b on a copy of the
# committed-or-not work tree (without build dirs and .git), so building
# never writes into the tree; the .debs, .changes and .buildinfo land in
# OUTDIR. Extra arguments go to dpkg-buildpackage.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-debs.sh OUTDIR [dpkg-buildpackage args]}
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hcoop-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/hcoop"
# the source as a tarball would carry it: no build trees, no VCS
tar -C "$top" --exclude=./.git --exclude=./build --exclude=./build-san \
	--exclude='./build-*' -cf - . | tar -C "$work/hcoop" -xf -
(cd "$work/hcoop" && dpkg-buildpackage -us -uc -b "$@") >"$out/build.log" 2>&1 || {
	echo "build-debs: dpkg-buildpackage failed; last lines of $out/build.log:" >&2
	tail -30 "$out/build.log" >&2
	exit 1
}
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
ls "$out"
