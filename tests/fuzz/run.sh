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
# delta seeds (format v5): a delta over the main file seed1 (generation 1),
# which the fuzzer pairs with every input claiming a base generation
mkdir "$work/pair"
"$build/tests/hcoop-mkcache" -g 1 "$work/pair/cache" <"$src/tests/fuzz/seed1.spec"
for s in "$src"/tests/fuzz/delta*.spec; do
	"$build/tests/hcoop-mkcache" -b 1 -g 2 "$work/pair/cache" <"$s"
	mv "$work/pair/cache.delta" "$work/corpus/$(basename "$s" .spec)"
done
export HC_FUZZ_PAIR=$work/pair
# hostile seeds: seed5's group "big" (16,000 members) as one 512 KiB
# member block without NULs and alice's strings pointing at one such
# string (the writer refuses to write such a file;
# under 1 MiB: libFuzzer truncates larger seeds)
python3 "$src/tests/nss/hostile.py" "$work/corpus/seed5" "$work/corpus" 524288 >/dev/null
# hostile packed member blocks (format v5) of seed7's group "big": bounds
# past GROUP_DATA, no final NUL, wrong counts, a name over 255 bytes
python3 "$src/tests/nss/packed.py" "$work/corpus/seed7" big "$work/corpus" >/dev/null
cd "$work" # crash-* artefacts land here, and are printed by libFuzzer
"$build/tests/fuzz-cache" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 \
	-print_final_stats=1 corpus
