#!/usr/bin/env python3
"""Golden values from PyTorch for Fovea's convolution family: conv1d/2d/3d over strides, padding
(ints, 'same', padding modes), dilation and groups; conv_transpose1d/2d/3d with output padding;
unfold/fold.

Writes Tests/FoveaNNTests/Fixtures/convolution.json (committed), which
Tests/FoveaNNTests/PyTorchConvolutionFixtureTests.swift compares against at <= 1e-5 relative error.
PyTorch is a generation tool only: the tests never import or run it.

    python3 Scripts/make_convolution_fixtures.py        # needs `pip install torch`
"""
import json
import pathlib

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FoveaNNTests" / "Fixtures"


def t(x):
    x = x.detach().to(torch.float32).contiguous()
    return {"shape": list(x.shape), "data": [float(str(v)) for v in x.flatten().numpy()]}


def rand(*shape):
    return torch.rand(*shape) * 2 - 1


def case(name, op, config, **tensors):
    return {"name": name, "op": op, "config": config, "tensors": {k: t(v) for k, v in tensors.items()}}


def convolution_cases():
    cases = []
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
    configs = [
        # dims, N, C, K, spatial, kernel, stride, padding (int list or 'same'), dilation, groups, mode
        (1, 2, 3, 4, [11], [3], [2], [1], [1], 1, "zeros"),
        (1, 1, 4, 6, [9], [2], [1], "same", [2], 2, "zeros"),
        (1, 2, 2, 3, [8], [3], [1], [2], [1], 1, "circular"),
        (2, 2, 3, 4, [7, 6], [3, 3], [1, 1], [1], [1], 1, "zeros"),
        (2, 1, 4, 4, [9, 8], [3, 2], [2, 1], [1, 0], [1, 2], 2, "zeros"),
        (2, 1, 3, 3, [6, 7], [3, 3], [1, 1], [1], [1], 3, "zeros"),
        (2, 1, 2, 3, [7, 7], [5, 5], [1, 1], "same", [1, 1], 1, "zeros"),
        (2, 1, 2, 2, [5, 6], [3, 3], [1, 1], [1], [1], 1, "reflect"),
        (2, 2, 2, 2, [5, 6], [3, 3], [2, 2], [2], [1], 1, "replicate"),
        (2, 1, 3, 2, [6, 5], [3, 3], [1, 1], [1], [1], 1, "circular"),
        (3, 1, 2, 3, [4, 5, 6], [2, 3, 3], [1, 2, 1], [1, 1, 0], [1, 1, 1], 1, "zeros"),
        (3, 2, 4, 4, [5, 4, 4], [3, 1, 3], [2, 1, 1], [1, 0, 1], [1, 1, 2], 2, "zeros"),
    ]
    for i, (dims, n, c, k, spatial, kernel, stride, padding, dilation, groups, mode) in enumerate(configs):
        x = rand(n, c, *spatial)
        w = rand(k, c // groups, *kernel)
        b = rand(k)
        module = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}[dims](
            c, k, kernel, stride=stride, padding=padding if padding == "same" else tuple(padding * (dims // len(padding))),
            dilation=dilation, groups=groups, bias=True, padding_mode=mode)
        with torch.no_grad():
            module.weight.copy_(w)
            module.bias.copy_(b)
            y = module(x)
        cases.append(case(f"conv{dims}d_{i}_{mode}", f"conv{dims}d",
                          dict(stride=stride, padding=padding if padding == "same" else padding * (dims // len(padding)),
                               same=padding == "same", dilation=dilation, groups=groups, mode=mode),
                          input=x, weight=w, bias=b, output=y))
    transposed = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
    for i, (dims, n, c, k, spatial, kernel, stride, padding, out_pad, dilation, groups) in enumerate([
        (1, 2, 3, 2, [5], [3], [2], [1], [1], [1], 1),
        (2, 1, 4, 6, [4, 3], [3, 2], [2, 2], [1, 0], [1, 1], [1, 1], 2),
        (2, 2, 2, 3, [3, 4], [2, 3], [1, 2], [0, 1], [0, 1], [2, 1], 1),
        (3, 1, 2, 2, [2, 3, 2], [2, 2, 3], [2, 1, 2], [0, 0, 1], [1, 0, 0], [1, 1, 1], 1),
    ]):
        x = rand(n, c, *spatial)
        w = rand(c, k // groups, *kernel)
        b = rand(k)
        y = transposed[dims](x, w, b, stride=stride, padding=padding, output_padding=out_pad, groups=groups, dilation=dilation)
        cases.append(case(f"conv_transpose{dims}d_{i}", f"convTranspose{dims}d",
                          dict(stride=stride, padding=padding, outputPadding=out_pad, dilation=dilation, groups=groups),
                          input=x, weight=w, bias=b, output=y))
    x = rand(2, 3, 6, 5)
    cols = F.unfold(x, kernel_size=(3, 2), dilation=(1, 2), padding=(1, 1), stride=(2, 1))
    cases.append(case("unfold_2d", "unfold", dict(kernel=[3, 2], dilation=[1, 2], padding=[1, 1], stride=[2, 1]), input=x, output=cols))
    back = F.fold(cols, output_size=(6, 5), kernel_size=(3, 2), dilation=(1, 2), padding=(1, 1), stride=(2, 1))
    cases.append(case("fold_2d", "fold", dict(kernel=[3, 2], dilation=[1, 2], padding=[1, 1], stride=[2, 1], outputSize=[6, 5]),
                      input=cols, output=back))
    return cases


if __name__ == "__main__":
    torch.manual_seed(20261127)
    OUT.mkdir(parents=True, exist_ok=True)
    payload = {"generator": f"Scripts/make_convolution_fixtures.py, torch {torch.__version__}", "cases": convolution_cases()}
    (OUT / "convolution.json").write_text(json.dumps(payload, separators=(",", ":")))
    print(f"wrote {len(payload['cases'])} cases to {OUT / 'convolution.json'}")
