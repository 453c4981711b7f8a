#!/bin/bash
# The cache reader's libFuzzer target (clang, ASan+UBSan) runs for a
# bounded time on the seed corpus and finds nothing. `make fuzz` runs it
# longer.
source "$(dirname "$0")/../lib/tap.sh"
[ -x "$HC_BUILD/tests/fuzz-cache" ] || { fail "fuzz-cache not built"; exit 1; }
out=$("$HC_SRC/tests/fuzz/run.sh" 30 2>&1)
rc=$?
is "fuzzer: no finding in 30 s" "$rc" 0
like "fuzzer actually ran" "$out" "stat::number_of_executed_units: *[1-9]"
[ "$rc" -eq 0 ] || diag "$(printf '%s\n' "$out" | tail -40)"
