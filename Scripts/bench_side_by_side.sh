#!/bin/sh
# One side-by-side session: `fovea bench`, then the same cases in PyTorch and the inference cases
# in ONNX Runtime with the same threads, then each side's memory run (`--memory`, a process of its
# own so that its peak is the training run's), then the markdown table. Needs
# `pip install torch torchvision onnxruntime onnx` (see Scripts/bench_reference.py); never part of
# .ci/run.
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
onnxruntime_reports=""
# The reference side, same threads; OpenBLAS tuning variables of this host do not apply to it.
# REALTIME=1 runs every measurement under `chrt -f 50` (SCHED_FIFO, needs root): on a shared host
# the other processes then cannot take the measured cores, on either side.
isolated() {
    if [ -n "${REALTIME:-}" ]; then chrt -f 50 "$@"; else "$@"; fi
}
reference() {
    isolated env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$scripts/bench_reference.py" --threads "$threads" "$@"
}
round=1
while [ "$round" -le "$rounds" ]; do
    echo "round $round fovea start: $(uptime)" >> "$out/uptime.txt"
    isolated "$bin" bench --json --threads "$threads" --repeats "$repeats" > "$out/fovea-$round.json"
    echo "round $round reference start: $(uptime)" >> "$out/uptime.txt"
    reference --repeats "$repeats" --peak-from "$out/fovea-$round.json" > "$out/pytorch-$round.json"
    echo "round $round onnxruntime start: $(uptime)" >> "$out/uptime.txt"
    reference --engine onnxruntime --repeats "$repeats" --peak-from "$out/fovea-$round.json" \
        > "$out/onnxruntime-$round.json"
    fovea_reports="$fovea_reports $out/fovea-$round.json"
    reference_reports="$reference_reports $out/pytorch-$round.json"
    onnxruntime_reports="$onnxruntime_reports $out/onnxruntime-$round.json"
    round=$((round + 1))
done
echo "memory start: $(uptime)" >> "$out/uptime.txt"
isolated "$bin" bench --memory --json --threads "$threads" > "$out/fovea-memory.json"
reference --memory > "$out/pytorch-memory.json"
echo "end: $(uptime)" >> "$out/uptime.txt"
# shellcheck disable=SC2086  # the report lists split on spaces on purpose (OUTDIR without spaces)
python3 "$scripts/merge_bench.py" $fovea_reports "$out/fovea-memory.json" > "$out/fovea.json"
# shellcheck disable=SC2086
python3 "$scripts/merge_bench.py" $reference_reports "$out/pytorch-memory.json" > "$out/pytorch.json"
# shellcheck disable=SC2086
python3 "$scripts/merge_bench.py" $onnxruntime_reports > "$out/onnxruntime.json"
python3 "$scripts/compare_bench.py" "$out/fovea.json" "$out/pytorch.json" "$out/onnxruntime.json" | tee "$out/table.md"
cat "$out/uptime.txt"
