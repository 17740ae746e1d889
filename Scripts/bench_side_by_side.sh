#!/bin/sh
# One side-by-side session: `fovea bench`, then the same cases in PyTorch with the same threads,
# then the markdown table. Needs `pip install torch onnxruntime` (see Scripts/bench_reference.py);
# never part of .ci/run.
#
#   Scripts/bench_side_by_side.sh [THREADS] [REPEATS] [OUTDIR] [ROUNDS]
#                                         (defaults: 2, 9, $TMPDIR/fovea-bench, 1)
#
# With ROUNDS > 1 the two sides run alternately ROUNDS times each and Scripts/merge_bench.py keeps,
# per case and per side, the round with the lowest median: on a shared host other processes only
# add time. Set SCRATCH to pass `--scratch-path` to SwiftPM. The load average around each half is
# recorded in OUTDIR/uptime.txt; a run under load is worth redoing.
set -eu
threads=${1:-2}
repeats=${2:-9}
out=${3:-${TMPDIR:-/tmp}/fovea-bench}
rounds=${4:-1}
scripts=$(dirname "$0")
mkdir -p "$out"
scratch=${SCRATCH:+--scratch-path $SCRATCH}

# shellcheck disable=SC2086  # $scratch is empty or two words on purpose
swift build -c release $scratch --product fovea >&2
# shellcheck disable=SC2086
bin=$(swift build -c release $scratch --show-bin-path)/fovea

date -u > "$out/uptime.txt"
fovea_reports=""
reference_reports=""
round=1
while [ "$round" -le "$rounds" ]; do
    echo "round $round fovea start: $(uptime)" >> "$out/uptime.txt"
    "$bin" bench --json --threads "$threads" --repeats "$repeats" > "$out/fovea-$round.json"
    echo "round $round reference start: $(uptime)" >> "$out/uptime.txt"
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$scripts/bench_reference.py" \
        --threads "$threads" --repeats "$repeats" --peak-from "$out/fovea-$round.json" \
        > "$out/pytorch-$round.json"
    fovea_reports="$fovea_reports $out/fovea-$round.json"
    reference_reports="$reference_reports $out/pytorch-$round.json"
    round=$((round + 1))
done
echo "end: $(uptime)" >> "$out/uptime.txt"
# shellcheck disable=SC2086  # the report lists split on spaces on purpose (OUTDIR without spaces)
python3 "$scripts/merge_bench.py" $fovea_reports > "$out/fovea.json"
# shellcheck disable=SC2086
python3 "$scripts/merge_bench.py" $reference_reports > "$out/pytorch.json"
python3 "$scripts/compare_bench.py" "$out/fovea.json" "$out/pytorch.json" | tee "$out/table.md"
cat "$out/uptime.txt"
