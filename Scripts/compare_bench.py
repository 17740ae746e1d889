#!/usr/bin/env python3
"""Side-by-side table of a `fovea bench --json` report and a `bench_reference.py` report.

    python3 Scripts/compare_bench.py fovea.json pytorch.json [onnxruntime.json]

Prints a markdown table: each case's median time in Fovea and in PyTorch (and ONNX Runtime when
given), the ratio reference time / Fovea time (above 1 means Fovea is faster) of the medians and of
the minima (the minima are less sensitive to a shared, noisy host), Fovea's share of
the measured FMA peak, and issue 5's target for the case with whether this run meets it. The
ratio of inference cases is taken against ONNX Runtime when its report has the case, as the
issue's targets for them are (without it, against PyTorch, and "met" stays empty). Reports that
carry a `memory` object (`fovea bench --memory`, `bench_reference.py --memory`, or merged by
Scripts/merge_bench.py) add the peak resident memory of training and Fovea's allocations per
step below the table. Standard library only.
"""

import json
import sys

# Issue 5's targets: the least ratio (reference time / Fovea time) and the reference figure the
# issue quotes (PyTorch 2.x, 2 threads, this machine, median). Cases without a target are listed
# without one.
TARGETS = {
    "sgemm_2048": (0.95, "191 GFLOP/s"),
    "lenet_c1_fwd": (1.0, "0.50 ms"),
    "lenet_c1_fwdbwd": (2.0, "7.23 ms"),
    "lenet_c2_fwd": (1.0, "5.11 ms"),
    "lenet_c2_fwdbwd": (1.0, "15.8 ms"),
    "alex_c1_n1_fwd": (1.0, "1.03 ms"),
    "alex_c1_n1_fwdbwd": (1.5, "8.54 ms"),
    "alex_c1_n16_fwd": (1.0, "28.5 ms"),
    "alex_c1_n16_fwdbwd": (1.0, "149 ms"),
    "alex_c3_n16_fwd": (1.0, "21.9 ms"),
    "alex_c3_n16_fwdbwd": (1.0, "65.7 ms"),
    "vgg_3x3_n8_fwd": (1.0, "8.61 ms"),
    "vgg_3x3_n8_fwdbwd": (1.0, "27.6 ms"),
    "incep3a_1x1_fwd": (1.0, "4.13 ms"),
    "incep3a_1x1_fwdbwd": (1.0, "8.85 ms"),
    "depthwise_3x3_fwd": (3.0, "2.38 ms"),
    "depthwise_3x3_fwdbwd": (3.0, "23.6 ms"),
    "maxpool_n16_fwd": (5.0, "18.1 ms"),
    "train_small_cnn_b64": (1.3, "1,989 img/s"),
    "train_lenet5_b64": (1.5, "15,195 img/s"),
    "alexnet_infer_b1": (1.0, "ORT 13.0 ms, PyTorch 20.1 ms"),
    "alexnet_infer_b16": (1.0, "ORT 104 ms, PyTorch 142 ms"),
    "googlenet_infer_b1": (1.0, "ORT 15.0 ms, PyTorch 42.2 ms"),
    "googlenet_infer_b16": (1.0, "ORT —, PyTorch 645 ms"),
}

# Issue 5's peak resident memory target for training the small CNN, and PyTorch's figure there.
PEAK_RSS_TARGET_MIB, PEAK_RSS_QUOTED = 150, "964 MiB"


def load(path):
    with open(path) as f:
        report = json.load(f)
    return report["machine"], {case["name"]: case for case in report["cases"]}, report.get("memory")


def ms(case):
    return f"{case['medianMs']:.3f}" if case else "—"


def ratio_text(x):
    """1.0 → "1.0", 0.95 → "0.95", 1.5 → "1.5"."""
    text = f"{x:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def memory_lines(fovea, torch):
    """The memory paragraph: peak resident memory of each side's in-process training run and
    Fovea's heap allocations per steady-state step."""
    lines = []
    if fovea or torch:
        sides = [f"{side} {m['peakResidentMiB']:,.1f} MiB (before the model {m['startResidentMiB']:,.1f})"
                 for side, m in (("Fovea", fovea), ("PyTorch", torch)) if m]
        met = ("" if not fovea else
               f"; target ≤ {PEAK_RSS_TARGET_MIB} MiB: {'met' if fovea['peakResidentMiB'] <= PEAK_RSS_TARGET_MIB else 'not met'}")
        lines.append(f"Peak resident memory, training the small CNN (batch 64, random data, in-process): "
                     f"{', '.join(sides)}{met} (issue's PyTorch figure: {PEAK_RSS_QUOTED})")
    if fovea and fovea.get("allocationsPerStep") is not None:
        lines.append(f"Fovea heap allocations per steady-state training step: {fovea['allocationsPerStep']:,.1f} "
                     f"calls, {fovea['bytesPerStep'] / 2**20:,.1f} MiB (mean of {fovea['countedSteps']} steps)")
    return lines


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().split("\n\n")[1])
    fovea_machine, fovea, fovea_memory = load(sys.argv[1])
    torch_machine, torch, torch_memory = load(sys.argv[2])
    ort_machine, ort, _ = load(sys.argv[3]) if len(sys.argv) == 4 else (None, {}, None)

    print(f"Fovea: {fovea_machine['cpu']}, {fovea_machine['threads']} threads, kernel {fovea_machine['kernel']}, "
          f"FMA peak {fovea_machine['peak1ThreadGFLOPS']:.1f} GFLOP/s on 1 thread, "
          f"{fovea_machine['peakGFLOPS']:.1f} on {fovea_machine['threads']}")
    print(f"Reference: {torch_machine['kernel']}, {torch_machine['threads']} threads"
          + (f"; {ort_machine['kernel']}, {ort_machine['threads']} threads" if ort_machine else ""))
    print()

    header = ["case", "Fovea ms", "PyTorch ms"] + (["ONNX Runtime ms"] if ort_machine else [])
    header += ["ratio", "ratio of minima", "Fovea GFLOP/s", "Fovea % peak", "target", "met", "issue's reference"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 4) + ["---", "---", "---"]) + "|")
    rates = []
    for name, mine in fovea.items():
        theirs, onnx = torch.get(name), ort.get(name)
        reference = onnx or theirs
        ratio = reference["medianMs"] / mine["medianMs"] if reference else None
        best_ratio = reference["minMs"] / mine["minMs"] if reference else None
        least, quoted = TARGETS.get(name, (None, ""))
        against_ort = quoted.startswith("ORT")
        target = f"≥ {ratio_text(least)}× {'ORT' if against_ort else 'PyTorch'}" if least else ""
        # A target against ONNX Runtime is not judged on a PyTorch ratio.
        judged = ratio is not None and (onnx is not None or not against_ort)
        met = "" if least is None or not judged else ("yes" if ratio >= least else "no")
        row = [name, ms(mine), ms(theirs)] + ([ms(onnx)] if ort_machine else [])
        row += [f"{ratio:.2f}×" if ratio else "—", f"{best_ratio:.2f}×" if best_ratio else "—", f"{mine['gflops']:.1f}", f"{mine['percentOfPeak']:.1f}",
                target, met, quoted]
        print("| " + " | ".join(row) + " |")
        if mine.get("imagesPerSecond"):
            other = reference.get("imagesPerSecond") if reference else None
            rates.append(f"{name}: Fovea {mine['imagesPerSecond']:,.0f} img/s"
                         + (f", reference {other:,.0f} img/s" if other else ""))
    missing = [name for name in torch if name not in fovea]
    memory = memory_lines(fovea_memory, torch_memory)
    if rates or missing or memory:
        print()
    for line in rates + memory:
        print(line)
    if missing:
        print("Only in the reference report: " + ", ".join(missing))


if __name__ == "__main__":
    main()
