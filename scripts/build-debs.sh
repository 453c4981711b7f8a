#!/bin/sh
# build-debs.sh OUTDIR: dpkg-buildpackage -us -uc -b on a copy of the
# committed-or-not work tree (without build dirs and .git), so building
# never writes into the tree; the .debs, .changes and .buildinfo land in
# OUTDIR. Extra arguments go to dpkg-buildpackage.
#
# HC_DEB_VERSION=V builds the copy as version V (VERSION and a new
# debian/changelog entry), e.g. a "newer" release for upgrade tests.
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
if [ -n "${HC_DEB_VERSION:-}" ]; then
	echo "$HC_DEB_VERSION" >"$work/hcoop/VERSION"
	{
		printf 'hcoop (%s) unstable; urgency=medium\n\n' "$HC_DEB_VERSION"
		printf '  * Rebuilt as %s by scripts/build-debs.sh.\n\n' "$HC_DEB_VERSION"
		printf ' -- HCoop Admins <admins@hcoop.net>  %s\n\n' "$(date -R)"
		cat "$top/debian/changelog"
	} >"$work/hcoop/debian/changelog"
fi
# A package build is a distribution build: nothing of the caller's make
# (e.g. "make check WERROR=1", which reaches us through MAKEFLAGS) leaks in.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES WERROR
(cd "$work/hcoop" && dpkg-buildpackage -us -uc -b "$@") >"$out/build.log" 2>&1 || {
	echo "build-debs: dpkg-buildpackage failed; last lines of $out/build.log:" >&2
	tail -30 "$out/build.log" >&2
	exit 1
}
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
ls "$out"
