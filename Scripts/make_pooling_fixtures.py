#!/usr/bin/env python3
"""Golden values from PyTorch for Fovea's pooling, normalisation and activation layers.

Writes small JSON fixtures to Tests/FoveaNNTests/Fixtures/ (committed), which
Tests/FoveaNNTests/PyTorchFixtureTests.swift compares against at <= 1e-5 relative error.
PyTorch is a generation tool only: the tests never import or run it.

    python3 Scripts/make_pooling_fixtures.py        # needs `pip install torch`

Each fixture file holds a list of cases: {"name", "op", "config", "tensors": {name: {"shape", "data"}}}.
Values are float32, each written as the shortest decimal that reads back as the same float32.
"""
import json
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FoveaNNTests" / "Fixtures"


def t(x):
    x = x.detach().to(torch.float32).contiguous()
    # The shortest decimal that reads back as the same float32 (numpy's repr), to keep files small.
    return {"shape": list(x.shape), "data": [float(str(v)) for v in x.flatten().numpy()]}


def rand(*shape, low=-2.0, high=2.0):
    return torch.rand(*shape) * (high - low) + low


def case(name, op, config, **tensors):
    return {"name": name, "op": op, "config": config, "tensors": {k: t(v) for k, v in tensors.items()}}


def pooling_cases():
    cases = []
    # Max / average pooling, 1-D and 3-D.
    for i, (shape, k, s, p, d, ceil) in enumerate([
        ([2, 3, 11], 3, 2, 1, 1, False),
        ([1, 2, 10], 3, 2, 1, 1, True),
        ([2, 1, 12], 3, 1, 1, 2, False),
        ([1, 2, 7], 4, 3, 2, 1, True),
    ]):
        x = rand(*shape)
        y = F.max_pool1d(x, k, s, p, d, ceil_mode=ceil)
        cases.append(case(f"max_pool1d_{i}", "maxPool1d", dict(kernel=[k], stride=[s], padding=[p], dilation=[d], ceilMode=ceil), input=x, output=y))
        if d == 1:
            for include in (True, False):
                y = F.avg_pool1d(x, k, s, p, ceil_mode=ceil, count_include_pad=include)
                cases.append(case(f"avg_pool1d_{i}_{include}", "avgPool1d",
                                  dict(kernel=[k], stride=[s], padding=[p], ceilMode=ceil, countIncludePad=include), input=x, output=y))
    for i, (shape, k, s, p, d, ceil) in enumerate([
        ([2, 2, 4, 4, 4], [2, 2, 2], [2, 2, 2], [0, 0, 0], [1, 1, 1], False),
        ([1, 3, 5, 6, 7], [3, 2, 3], [2, 1, 2], [1, 1, 0], [1, 1, 1], True),
        ([1, 2, 7, 5, 6], [2, 3, 2], [1, 2, 2], [0, 1, 1], [2, 1, 2], False),
        ([2, 1, 3, 3, 3], [3, 3, 3], [2, 2, 2], [1, 1, 1], [1, 1, 1], True),
    ]):
        x = rand(*shape)
        y = F.max_pool3d(x, k, s, p, d, ceil_mode=ceil)
        cases.append(case(f"max_pool3d_{i}", "maxPool3d", dict(kernel=k, stride=s, padding=p, dilation=d, ceilMode=ceil), input=x, output=y))
        if d == [1, 1, 1]:
            for include in (True, False):
                y = F.avg_pool3d(x, k, s, p, ceil_mode=ceil, count_include_pad=include)
                cases.append(case(f"avg_pool3d_{i}_{include}", "avgPool3d",
                                  dict(kernel=k, stride=s, padding=p, ceilMode=ceil, countIncludePad=include), input=x, output=y))
    # Adaptive pooling: dividing, non-dividing, growing sizes, 1/2/3-D.
    for i, (shape, out) in enumerate([
        ([2, 3, 10], [4]), ([1, 2, 3], [5]), ([2, 2, 7, 9], [3, 2]), ([1, 3, 8, 8], [1, 1]),
        ([1, 2, 5, 6, 7], [2, 3, 4]), ([1, 1, 2, 2, 3], [3, 4, 3]),
    ]):
        x = rand(*shape)
        avg = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}[len(out)]
        mx = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}[len(out)]
        cases.append(case(f"adaptive_avg_{i}", "adaptiveAvgPool", dict(outputSize=out), input=x, output=avg(x, out)))
        cases.append(case(f"adaptive_max_{i}", "adaptiveMaxPool", dict(outputSize=out), input=x, output=mx(x, out)))
    # Lp pooling (positive inputs for odd p, any sign for p = 2).
    for i, (shape, p, k, s, ceil) in enumerate([([2, 3, 9], 2.0, 3, 2, False), ([1, 2, 8], 3.0, 2, 2, True)]):
        x = rand(*shape, low=-2 if p == 2 else 0.1)
        cases.append(case(f"lp_pool1d_{i}", "lpPool1d", dict(normType=p, kernel=[k], stride=[s], ceilMode=ceil),
                          input=x, output=F.lp_pool1d(x, p, k, s, ceil_mode=ceil)))
    for i, (shape, p, k, s, ceil) in enumerate([([2, 2, 6, 7], 2.0, [2, 3], [1, 2], False), ([1, 2, 5, 5], 3.0, [2, 2], [2, 2], True),
                                                 ([1, 1, 4, 6], 1.5, [3, 2], [1, 1], False)]):
        x = rand(*shape, low=-2 if p == 2 else 0.1)
        cases.append(case(f"lp_pool2d_{i}", "lpPool2d", dict(normType=p, kernel=k, stride=s, ceilMode=ceil),
                          input=x, output=F.lp_pool2d(x, p, k, s, ceil_mode=ceil)))
    return cases


def normalization_cases():
    cases = []
    # Batch norm: two training steps (output of each, running statistics after), then evaluation.
    for i, (shape, momentum) in enumerate([([5, 3], 0.1), ([3, 2, 5], 0.1), ([2, 3, 4, 4], 0.3), ([2, 2, 2, 3, 3], None)]):
        c = shape[1]
        bn = {2: torch.nn.BatchNorm1d, 3: torch.nn.BatchNorm1d, 4: torch.nn.BatchNorm2d, 5: torch.nn.BatchNorm3d}[len(shape)](c, momentum=momentum)
        with torch.no_grad():
            bn.weight.copy_(rand(c, low=0.5, high=1.5))
            bn.bias.copy_(rand(c, low=-0.5, high=0.5))
        weight, bias = bn.weight.clone(), bn.bias.clone()
        x1, x2, x3 = rand(*shape) * 3 + 1, rand(*shape), rand(*shape)
        bn.train()
        y1, y2 = bn(x1), bn(x2)
        bn.eval()
        y3 = bn(x3)
        cases.append(case(f"batch_norm_{i}", "batchNorm", dict(momentum=momentum if momentum is not None else -1.0),
                          weight=weight, bias=bias, x1=x1, x2=x2, x3=x3, y1=y1, y2=y2, y3=y3,
                          running_mean=bn.running_mean, running_var=bn.running_var))
    # Local response normalisation: AlexNet's constants and a strong one.
    for i, (shape, size, alpha, beta, k) in enumerate([([2, 7, 3, 3], 5, 1e-4, 0.75, 2.0), ([1, 6, 4], 3, 0.5, 0.75, 1.0),
                                                        ([1, 4, 2, 2, 2], 4, 0.3, 0.6, 1.5)]):
        x = rand(*shape, low=-4, high=4)
        cases.append(case(f"lrn_{i}", "localResponseNorm", dict(size=size, alpha=alpha, beta=beta, k=k),
                          input=x, output=F.local_response_norm(x, size, alpha, beta, k)))
    return cases


def activation_cases():
    x = rand(2, 3, 4, low=-3, high=3)
    w3, w1 = torch.tensor([0.25, -0.1, 0.6]), torch.tensor([0.3])
    return [
        case("leaky_relu", "leakyRelu", dict(negativeSlope=0.2), input=x, output=F.leaky_relu(x, 0.2)),
        case("leaky_relu_default", "leakyRelu", dict(negativeSlope=0.01), input=x, output=F.leaky_relu(x)),
        case("elu", "elu", dict(alpha=1.5), input=x, output=F.elu(x, 1.5)),
        case("elu_default", "elu", dict(alpha=1.0), input=x, output=F.elu(x)),
        case("prelu_channels", "prelu", {}, input=x, weight=w3, output=F.prelu(x, w3)),
        case("prelu_shared", "prelu", {}, input=x, weight=w1, output=F.prelu(x, w1)),
    ]


def main():
    torch.manual_seed(2024)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, cases in [("pooling", pooling_cases()), ("normalization", normalization_cases()), ("activations", activation_cases())]:
        path = OUT / f"{name}.json"
        path.write_text(json.dumps({"generator": f"Scripts/make_pooling_fixtures.py, torch {torch.__version__}", "cases": cases},
                                   separators=(",", ":")) + "\n")
        print(f"{path.relative_to(OUT.parent.parent.parent)}: {len(cases)} cases, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
