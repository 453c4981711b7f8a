#!/bin/bash
# Measure the module's own cost per lookup (not a test: nothing asserted).
#   tests/nss/perf.sh SPEC [CALLS [NKEYS]]    (HC_BUILD defaults to build)
# NKEYS: draw keys from that many random users (make bench uses 20000).
# Builds the cache from SPEC (hcoop-mkcache format) with the real writer,
# prints its size, then runs nss-perf in a private mount namespace where
# /var/lib/hcoop/cache is that file (the host's /var/lib is not touched).
set -eu
spec=$1
calls=${2:-2000000}
nkeys=${3:-0}
build=${HC_BUILD:-build}
dir=$(mktemp -d /tmp/nss-perf.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/lib/hcoop"
"$build/tests/hcoop-mkcache" "$dir/lib/hcoop/cache" <"$spec"
echo "cache: $(stat -c %s "$dir/lib/hcoop/cache") bytes"
unshare -m sh -c 'mount --bind "$1/lib" /var/lib && exec "$2/tests/nss-perf" "$2/libnss_hcoop.so.2" "$3" "$4" "$5"' \
	perf "$dir" "$(realpath "$build")" "$spec" "$calls" "$nkeys"
