#!/usr/bin/env bash
# The image's fuzz runs (tests/fuzz/fuzz.mk): tests/fuzz/run.sh short SECONDS | long RUNS [MAX_SECONDS]
#   1. every file of tests/fuzz/corpus (seeds and regress-* inputs) on wasm2c and wasm3, then on V8; a self-check
#      that a difference and a trap are seen (FUZZ_SABOTAGE: one side's random bytes differ after the boot; an
#      import traps);
#   2. a coverage-guided campaign (short: SECONDS from the seed corpus, a fresh work folder, seed 1; long: RUNS
#      inputs, the work folder build/fuzz/long kept between campaigns), one process;
#   3. the inputs the campaign kept, replayed on V8 as well.
# A finding (trap, or a difference between the engines) fails the run; libFuzzer leaves the input in
# build/fuzz/findings/ (make it a regression test: copy it to tests/fuzz/corpus/regress-<what>).
set -euo pipefail
mode=${1:?short|long}
amount=${2:?seconds or runs}
B=build/fuzz
BIN=$B/station-fuzz
NODE=${NODE:-node}
mkdir -p $B/findings

replay() {   # replay DIR-or-files...: wasm2c + wasm3 in the harness, the tapes on V8
    local tapes=$B/tapes files=("$@")
    rm -rf $tapes && mkdir -p $tapes
    if [ ${#files[@]} -eq 0 ]; then return 0; fi
    if ! FUZZ_TAPES=$tapes $BIN "${files[@]}" >$B/replay.log 2>&1; then
        grep -a -B3 -A40 "FINDING\|ERROR: libFuzzer" $B/replay.log | head -80
        echo "fuzz: a finding in $(grep -a '^Running:' $B/replay.log | tail -1 | cut -d' ' -f2)"
        exit 1
    fi
    echo "fuzz: ${#files[@]} inputs on wasm2c and wasm3: no trap, no difference"
    $NODE tests/fuzz/v8-replay.js $tapes
}

replay tests/fuzz/corpus/*

# Self-check: with other random bytes on one side (a transaction id differs), both comparisons must fail.
one=tests/fuzz/corpus/session-remote-start
rm -rf $B/selfcheck && mkdir -p $B/selfcheck
if FUZZ_SABOTAGE=1 $BIN $one >$B/selfcheck.log 2>&1 || ! grep -aq "FINDING: wasm2c and wasm3 differ" $B/selfcheck.log; then
    echo "fuzz: self-check failed: wasm3 with other random bytes went unnoticed"; exit 1
fi
FUZZ_TAPES=$B/selfcheck $BIN $one >/dev/null 2>&1
if FUZZ_SABOTAGE=1 $NODE tests/fuzz/v8-replay.js $B/selfcheck >/dev/null 2>&1; then
    echo "fuzz: self-check failed: V8 with other random bytes went unnoticed"; exit 1
fi
if FUZZ_SABOTAGE=trap $BIN $one >$B/selfcheck.log 2>&1 || ! grep -aq "FINDING: the image trapped" $B/selfcheck.log; then
    echo "fuzz: self-check failed: a trap went unnoticed"; exit 1
fi
echo "fuzz: self-check: a difference on wasm3 or on V8, and a trap, are reported"

# The snapshot is exact: every input leaves the same state (memory, globals, host) after the boot snapshot is
# restored, in either order (another input before it), as on new instances booted from scratch (FUZZ_FRESH).
# Self-check: with wasm3's memory not restored between inputs, the states differ.
digests() { FUZZ_DIGEST=1 "$@" 2>&1 | grep -a '^DIGEST' || true; }
mapfile -t fwd < <(ls tests/fuzz/corpus/*)
mapfile -t rev < <(ls tests/fuzz/corpus/* | sort -r)
both=$(digests $BIN "${fwd[@]}" "${rev[@]}")
a=$(echo "$both" | head -n ${#fwd[@]}); b=$(echo "$both" | tail -n ${#fwd[@]} | tac)
fresh=$(FUZZ_FRESH=1 digests $BIN "${fwd[@]}")
if [ "$(echo "$a" | wc -l)" != ${#fwd[@]} ] || [ "$a" != "$b" ] || [ "$a" != "$fresh" ]; then
    echo "fuzz: the restored snapshot is not exact (state after an input: restored forwards, backwards, new instances differ)"
    diff <(echo "$a") <(echo "$b") | head -5; diff <(echo "$a") <(echo "$fresh") | head -5; exit 1
fi
sab=$(FUZZ_SABOTAGE=restore digests $BIN "${fwd[@]:0:4}")
if [ "$sab" = "$(echo "$a" | head -4)" ]; then
    echo "fuzz: self-check failed: wasm3's memory left unrestored went unnoticed"; exit 1
fi
echo "fuzz: restore check: ${#fwd[@]} inputs leave the same state restored (both orders) and on new instances"

if [ "$mode" = short ]; then
    work=$B/work
    rm -rf $work && mkdir -p $work
    limit=(-max_total_time="$amount" -seed=1)
else
    work=$B/long
    mkdir -p $work
    limit=(-runs="$amount")
    if [ -n "${3:-}" ]; then limit+=(-max_total_time="$3"); fi
fi
echo "fuzz: coverage-guided campaign ($mode: ${limit[*]}) ..."
if ! $BIN -dict=$B/station.dict -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix=$B/findings/ "${limit[@]}" $work tests/fuzz/corpus >$B/campaign.log 2>&1; then
    grep -a -B3 -A40 "FINDING\|ERROR: libFuzzer" $B/campaign.log | head -80
    echo "fuzz: a finding, the input is in $B/findings/ (log: $B/campaign.log)"
    exit 1
fi
# The figures: inputs, time, executions/s, coverage (edges of the image's code, features), corpus.
last=$(grep -a '^#[0-9]' $B/campaign.log | tail -1)
done_line=$(grep -a '^Done ' $B/campaign.log | tail -1)
eps=$(grep -a 'stat::average_exec_per_sec' $B/campaign.log | awk '{print $2}')
echo "fuzz: $done_line; $eps exec/s; $(echo "$last" | grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9A-Za-z]*')"
replay $work/*
