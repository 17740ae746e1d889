#!/bin/sh
# One side-by-side session: `fovea bench`, then the same cases in PyTorch with the same threads,
# then the markdown table. Needs `pip install torch onnxruntime` (see Scripts/bench_reference.py);
# never part of .ci/run.
#
#   Scripts/bench_side_by_side.sh [THREADS] [REPEATS] [OUTDIR]      (defaults: 2, 9, $TMPDIR/fovea-bench)
#
# Set SCRATCH to pass `--scratch-path` to SwiftPM. The load average before and after each half is
# recorded in OUTDIR/uptime.txt: the host may be shared, and a run under load is worth redoing.
set -eu
threads=${1:-2}
repeats=${2:-9}
out=${3:-${TMPDIR:-/tmp}/fovea-bench}
mkdir -p "$out"
scratch=${SCRATCH:+--scratch-path $SCRATCH}

# shellcheck disable=SC2086  # $scratch is empty or two words on purpose
swift build -c release $scratch --product fovea >&2
# shellcheck disable=SC2086
bin=$(swift build -c release $scratch --show-bin-path)/fovea

{ date -u; echo "fovea start: $(uptime)"; } > "$out/uptime.txt"
"$bin" bench --json --threads "$threads" --repeats "$repeats" > "$out/fovea.json"
echo "fovea end / reference start: $(uptime)" >> "$out/uptime.txt"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$(dirname "$0")/bench_reference.py" \
    --threads "$threads" --repeats "$repeats" --peak-from "$out/fovea.json" > "$out/pytorch.json"
echo "reference end: $(uptime)" >> "$out/uptime.txt"
python3 "$(dirname "$0")/compare_bench.py" "$out/fovea.json" "$out/pytorch.json" | tee "$out/table.md"
cat "$out/uptime.txt"
