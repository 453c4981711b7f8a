#!/bin/bash
# Run the cache-reader fuzzer for SECONDS (default 30) on a seed corpus made
# from tests/fuzz/seed*.spec with the real writer. Exit status: libFuzzer's
# (0 = nothing found). Usage: tests/fuzz/run.sh [SECONDS]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${HC_BUILD:-$src/build}
secs=${1:-30}
work=$(mktemp -d /tmp/hcoop-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
for s in "$src"/tests/fuzz/seed*.spec; do
	"$build/tests/hcoop-mkcache" "$work/corpus/$(basename "$s" .spec)" <"$s"
done
cd "$work" # crash-* artefacts land here, and are printed by libFuzzer
"$build/tests/fuzz-cache" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 \
	-print_final_stats=1 corpus
