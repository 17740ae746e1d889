#!/usr/bin/env python3
"""The reference side of `fovea bench`: the same cases in PyTorch (and ONNX Runtime), same JSON.

Setup (once; these are never dependencies of the Fovea package and never run in .ci/run):

    pip install torch torchvision onnxruntime onnx

Run it in the same session as `fovea bench`, with the same thread count, then compare:

    swift run -c release fovea bench --json --threads 2 > fovea.json
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \\
        python3 Scripts/bench_reference.py --threads 2 --peak-from fovea.json > pytorch.json
    python3 Scripts/compare_bench.py fovea.json pytorch.json

What is timed, case by case, matches Sources/fovea/Bench*.swift:
  sgemm_<n>          torch.mm into a preallocated result, n×n×n.
  <conv>_fwd         F.conv2d(x, w, b) under no_grad.
  <conv>_fwdbwd      F.conv2d(x, w, b) then y.backward(dy) with x, w and b requiring gradients
                     (gradients reset to None first), i.e. forward + input, weight and bias
                     gradients, as Fovea's conv2dForward + conv2dBackward.
  maxpool_n16_fwd    F.max_pool2d under no_grad (no indices kept).
  maxpool_n16_bwd    aten.max_pool2d_with_indices_backward with precomputed indices.
  train_<model>_b64  one SGD step (zero_grad, forward, cross-entropy, backward, step) of the
                     small CNN or LeNet-5, the same `nn.Sequential` stacks as Fovea's models.
  <net>_infer_b<n>   torchvision's alexnet / googlenet (weights=None, GoogLeNet without auxiliary
                     heads), eval(), one forward pass under no_grad on a random n×3×224×224 batch.
FLOP counts are the same formulas as on the Fovea side, so GFLOP/s columns are comparable: the
multiply-adds of convolutions and linear layers (`forward_macs`), as Fovea's `Layer.summary`.
Each case runs twice untimed, then --repeats times timed; median, minimum and maximum are reported.

The script cannot measure the FMA peak itself; with --peak-from FILE (a `fovea bench --json`
report from the same session) it copies that report's peaks into `machine` and fills
`percentOfPeak`, otherwise those fields are null.

ONNX Runtime (--engine onnxruntime) runs the whole-network inference cases only: the same
torchvision models exported with torch.onnx.export (TorchScript exporter) to a temporary folder,
deleted afterwards, one fixed batch size per case; `--threads` intra-op threads, sequential
execution, all graph optimisations. Compare with a third argument:

    python3 Scripts/bench_reference.py --engine onnxruntime --threads 2 > onnxruntime.json
    python3 Scripts/compare_bench.py fovea.json pytorch.json onnxruntime.json

--memory runs no case: it trains the small CNN for 3 + --memory-steps steps (batch 64, random
data) and reports the process's peak resident memory (ru_maxrss), as `fovea bench --memory`.
PyTorch's heap allocations are not counted (allocationsPerStep and bytesPerStep are null).
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time

# name, batch, input channels, input side, output channels, kernel, stride, padding, groups
CONV_SHAPES = [
    ("lenet_c1", 64, 1, 28, 32, 5, 1, 2, 1),
    ("lenet_c2", 64, 32, 14, 64, 5, 1, 2, 1),
    ("alex_c1_n1", 1, 3, 227, 96, 11, 4, 0, 1),
    ("alex_c1_n16", 16, 3, 227, 96, 11, 4, 0, 1),
    ("alex_c3_n16", 16, 256, 13, 384, 3, 1, 1, 1),
    ("vgg_3x3_n8", 8, 64, 56, 64, 3, 1, 1, 1),
    ("incep3a_1x1", 16, 192, 28, 64, 1, 1, 0, 1),
    ("depthwise_3x3", 16, 64, 56, 64, 3, 1, 1, 64),
]

# N, C, H(=W), window, stride: AlexNet's first pooling.
MAXPOOL = (16, 96, 55, 3, 2)


class Case:
    """One benchmark: `run()` performs `flops` floating-point operations (and processes `images`
    images, for cases reported in img/s)."""

    def __init__(self, name, flops, run, images=0):
        self.name, self.flops, self.run, self.images = name, float(flops), run, images


def conv_output_side(side, kernel, stride, padding):
    return (side + 2 * padding - kernel) // stride + 1


def conv_forward_macs(batch, channels, side, outputs, kernel, stride, padding, groups):
    out = conv_output_side(side, kernel, stride, padding)
    return batch * outputs * out * out * (channels // groups) * kernel * kernel


def layer_macs(torch, model, shape):
    """Multiply-adds of each convolution and linear layer in one forward pass of `model` on zeros
    of `shape`, in call order, as Fovea's `Layer.summary(input:)` counts them (N·K·P·Q·(C/G)·R·S
    and N·in·out; every other layer free)."""
    import torch.nn as nn
    macs = []

    def count(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            macs.append(output.numel() * module.in_channels // module.groups
                        * module.kernel_size[0] * module.kernel_size[1])
        elif isinstance(module, nn.Linear):
            macs.append(output.numel() * module.in_features)
    handles = [module.register_forward_hook(count) for module in model.modules()]
    with torch.no_grad():
        model(torch.zeros(shape))
    for handle in handles:
        handle.remove()
    return macs


def training_flops_per_image(torch, model, shape):
    """Same count as BenchTrainingCases.swift: forward and weight gradient of every layer, input
    gradient of all but the first (the images need none); 2 FLOPs per MAC."""
    macs = layer_macs(torch, model, shape)
    return 2 * (3 * sum(macs) - macs[0])


# MARK: - PyTorch cases

def torch_cases(torch, wanted):
    """Yields the PyTorch cases named in `wanted` (all when empty), made lazily, in report order."""
    import torch.nn as nn
    import torch.nn.functional as F

    def want(name):
        return not wanted or name in wanted

    for size in (256, 1024, 2048):
        name = f"sgemm_{size}"
        if want(name):
            a, b = torch.rand(size, size) - 0.5, torch.rand(size, size) - 0.5
            c = torch.empty(size, size)
            yield Case(name, 2 * size**3, lambda a=a, b=b, c=c: torch.mm(a, b, out=c))

    for (base, n, ch, side, k, r, s, p, g) in CONV_SHAPES:
        macs = conv_forward_macs(n, ch, side, k, r, s, p, g)
        out = conv_output_side(side, r, s, p)
        if want(base + "_fwd"):
            x, w, b = torch.randn(n, ch, side, side), 0.1 * torch.randn(k, ch // g, r, r), torch.randn(k)

            def forward(x=x, w=w, b=b, s=s, p=p, g=g):
                with torch.no_grad():
                    F.conv2d(x, w, b, stride=s, padding=p, groups=g)
            yield Case(base + "_fwd", 2 * macs, forward)
        if want(base + "_fwdbwd"):
            x = torch.randn(n, ch, side, side, requires_grad=True)
            w = (0.1 * torch.randn(k, ch // g, r, r)).requires_grad_()
            b = torch.randn(k, requires_grad=True)
            dy = torch.randn(n, k, out, out)

            def forward_backward(x=x, w=w, b=b, dy=dy, s=s, p=p, g=g):
                x.grad = w.grad = b.grad = None
                F.conv2d(x, w, b, stride=s, padding=p, groups=g).backward(dy)
            yield Case(base + "_fwdbwd", 3 * 2 * macs, forward_backward)

    n, ch, side, r, s = MAXPOOL
    out = conv_output_side(side, r, s, 0)
    outputs = n * ch * out * out
    if want("maxpool_n16_fwd"):
        x = torch.randn(n, ch, side, side)

        def pool_forward(x=x):
            with torch.no_grad():
                F.max_pool2d(x, r, s)
        yield Case("maxpool_n16_fwd", outputs * r * r, pool_forward)
    if want("maxpool_n16_bwd"):
        x = torch.randn(n, ch, side, side)
        _, indices = F.max_pool2d(x, r, s, return_indices=True)
        dy = torch.randn(n, ch, out, out)
        backward = torch.ops.aten.max_pool2d_with_indices_backward
        yield Case("maxpool_n16_bwd", outputs,
                   lambda: backward(dy, x, [r, r], [s, s], [0, 0], [1, 1], False, indices))

    for name, model in (("train_small_cnn_b64", small_cnn), ("train_lenet5_b64", lenet5),
                        ("train_small_vgg_b64", small_vgg)):
        if want(name):
            yield train_case(torch, name, model(nn), 64)

    for name, batch in INFERENCE_CASES:
        if want(name):
            model = vision_model(name)
            images = torch.randn(batch, 3, 224, 224)

            def infer(model=model, images=images):
                with torch.no_grad():
                    model(images)
            yield Case(name, inference_flops(torch, model, batch), infer, images=batch)


def small_cnn(nn):
    """Fovea's `Models.smallCNN()`: the default Fashion-MNIST network."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def lenet5(nn):
    """Fovea's `Models.leNet5()`: ReLU and max-pooling LeNet-5 for 1×28×28 (61,706 parameters)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def small_vgg(nn):
    """Fovea's `Models.smallVGG()`: the training recipe's network (870,826 parameters)."""
    def stage(inputs, width):
        return [nn.Conv2d(inputs, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                nn.MaxPool2d(2)]
    return nn.Sequential(*stage(1, 32), *stage(32, 64), nn.Flatten(), nn.Dropout(0.25),
                         nn.Linear(64 * 7 * 7, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))


def train_case(torch, name, model, batch):
    """One SGD step (momentum 0.9) of `model` on a fixed random 1×28×28 batch."""
    import torch.nn.functional as F
    flops = training_flops_per_image(torch, model, (1, 1, 28, 28)) * batch
    images, labels = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(images), labels).backward()
        optimizer.step()
    return Case(name, flops, step, images=batch)


# MARK: - Whole-network inference (PyTorch and ONNX Runtime)

# Case name and batch; the network is the name's first word.
INFERENCE_CASES = [("alexnet_infer_b1", 1), ("alexnet_infer_b16", 16),
                   ("googlenet_infer_b1", 1), ("googlenet_infer_b16", 16)]


def vision_model(name):
    """torchvision's network for a case name, random weights, in eval mode: `alexnet`, or
    `googlenet` without auxiliary heads (Fovea's `Models.googLeNet(.torchvision)` default) and
    with PyTorch's default initialisation (init_weights=False: the speed does not depend on it)."""
    import torchvision
    if name.startswith("alexnet"):
        return torchvision.models.alexnet(weights=None).eval()
    return torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False).eval()


def inference_flops(torch, model, batch):
    """2 × the forward multiply-adds at 3×224×224 (AlexNet 714,188,480, GoogLeNet 1,498,376,192
    per image), times the batch."""
    return 2 * sum(layer_macs(torch, model, (1, 3, 224, 224))) * batch


# MARK: - ONNX Runtime cases

def onnxruntime_session_options(ort, threads):
    """Session options for a fair run: `threads` intra-op threads, sequential execution, every
    graph optimisation (constant folding, operator fusion, layout transforms)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


def onnxruntime_cases(torch, ort, threads, wanted, directory):
    """The inference cases in ONNX Runtime: each torchvision model exported for its fixed batch
    into `directory` (the legacy TorchScript exporter, which needs no onnxscript), then run by an
    InferenceSession on the CPU."""
    for name, batch in INFERENCE_CASES:
        if wanted and name not in wanted:
            continue
        model = vision_model(name)
        images = torch.randn(batch, 3, 224, 224)
        path = os.path.join(directory, name + ".onnx")
        torch.onnx.export(model, (images,), path, input_names=["images"], output_names=["logits"], dynamo=False)
        session = ort.InferenceSession(path, onnxruntime_session_options(ort, threads),
                                       providers=["CPUExecutionProvider"])
        feed = {"images": images.numpy()}
        yield Case(name, inference_flops(torch, model, batch),
                   lambda session=session, feed=feed: session.run(None, feed), images=batch)


# MARK: - Memory

def status_mib(field):
    """A kB field of /proc/self/status ("VmRSS:  123 kB") in MiB, or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def memory_report(torch, steps, warmup=3):
    """`fovea bench --memory`'s figures for PyTorch: the small CNN's training step run
    `warmup` + `steps` times in this process, then its peak resident memory."""
    import torch.nn as nn
    start = status_mib("VmRSS")
    step = train_case(torch, "train_small_cnn_b64", small_cnn(nn), 64)
    for _ in range(warmup + steps):
        step.run()
    return {"name": step.name, "warmupSteps": warmup, "countedSteps": steps, "startResidentMiB": start,
            "peakResidentMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "allocationsPerStep": None, "bytesPerStep": None}


# MARK: - Timing and report

def time_case(case, repeats, warmup=2):
    """Median, minimum and maximum of `repeats` timed runs after `warmup` untimed ones, in s."""
    for _ in range(warmup):
        case.run()
    seconds = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter_ns()
        case.run()
        seconds.append((time.perf_counter_ns() - start) * 1e-9)
    return statistics.median(seconds), min(seconds), max(seconds)


def cpu_model():
    """The "model name" line of /proc/cpuinfo, as `fovea bench` reports it."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads (default: all)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case, after two warm-up runs")
    parser.add_argument("--only", nargs="+", default=[], metavar="NAME", help="run only these cases")
    parser.add_argument("--engine", choices=["torch", "onnxruntime"], default="torch",
                        help="onnxruntime: the inference cases only")
    parser.add_argument("--memory", action="store_true",
                        help="run no case; report the peak resident memory of training the small CNN")
    parser.add_argument("--memory-steps", type=int, default=20, help="with --memory: steps after 3 warm-up steps")
    parser.add_argument("--peak-from", metavar="FILE",
                        help="a `fovea bench --json` report whose measured FMA peaks to use for %% of peak")
    args = parser.parse_args()
    if args.threads < 1 or args.repeats < 1 or args.memory_steps < 1:
        parser.error("--threads, --repeats and --memory-steps must be at least 1")
    if args.memory and args.engine != "torch":
        parser.error("--memory is for the torch engine")

    peak1 = peak = None
    if args.peak_from:
        with open(args.peak_from) as f:
            machine = json.load(f)["machine"]
        peak1, peak = machine["peak1ThreadGFLOPS"], machine["peakGFLOPS"]

    wanted = set(args.only)
    import torch  # the ONNX Runtime side exports its models from PyTorch
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    exports = tempfile.TemporaryDirectory(prefix="fovea-bench-onnx-")
    if args.engine == "torch":
        kernel = (f"pytorch {torch.__version__} (cpu capability {torch.backends.cpu.get_cpu_capability()}, "
                  f"mkldnn {'on' if torch.backends.mkldnn.is_available() else 'off'})")
        cases = [] if args.memory else torch_cases(torch, wanted)
    else:
        import onnxruntime as ort
        kernel = f"onnxruntime {ort.__version__}"
        cases = onnxruntime_cases(torch, ort, args.threads, wanted, exports.name)

    results = []
    for case in cases:
        median, low, high = time_case(case, args.repeats)
        gflops = case.flops / median * 1e-9
        result = {
            "name": case.name, "flops": case.flops,
            "medianMs": median * 1e3, "minMs": low * 1e3, "maxMs": high * 1e3,
            "gflops": gflops, "peakGFLOPS": peak,
            "percentOfPeak": 100 * gflops / peak if peak else None,
        }
        if case.images:
            result["imagesPerSecond"] = case.images / median
        results.append(result)
        print(f"{case.name:<22} {median * 1e3:10.3f} ms  {gflops:8.1f} GFLOP/s", file=sys.stderr)

    exports.cleanup()

    report = {
        "machine": {"cpu": cpu_model(), "threads": args.threads, "peak1ThreadGFLOPS": peak1,
                    "peakGFLOPS": peak, "kernel": kernel},
        "cases": results,
    }
    if args.memory:
        report["memory"] = memory_report(torch, args.memory_steps)
    print(json.dumps(report, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
