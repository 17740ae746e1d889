#!/usr/bin/env python3
"""Best-of-rounds merge of several reports from one side (`fovea bench --json` or
`bench_reference.py`), printing one report of the same JSON shape.

    python3 Scripts/merge_bench.py round1.json round2.json ... > merged.json

On a shared host other processes only ever add time, so for each case the round with the lowest
median is kept (its minimum, maximum, GFLOP/s and % of peak come with it). `machine` is taken
from the round with the highest measured multi-thread FMA peak, the least disturbed one. A
`memory` object (a `--memory` report, which has no cases and no peak, may be among the inputs) is
kept from the report with the lowest peak resident memory.
Run the rounds of both sides alternately (Scripts/bench_side_by_side.sh does) so that each side
gets the same chances at a quiet moment. Standard library only.
"""

import json
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().split("\n\n")[1])
    reports = []
    for path in sys.argv[1:]:
        with open(path) as f:
            reports.append(json.load(f))

    best = {}
    order = []
    for report in reports:
        for case in report["cases"]:
            name = case["name"]
            if name not in best:
                order.append(name)
            if name not in best or case["medianMs"] < best[name]["medianMs"]:
                best[name] = case
    machine = max(reports, key=lambda r: r["machine"].get("peakGFLOPS") or 0)["machine"]
    merged = {"machine": machine, "cases": [best[name] for name in order]}
    memories = [r["memory"] for r in reports if r.get("memory")]
    if memories:
        merged["memory"] = min(memories, key=lambda m: m["peakResidentMiB"])
    print(json.dumps(merged, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
