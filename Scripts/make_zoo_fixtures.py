#!/usr/bin/env python3
"""Logits of torchvision's AlexNet and GoogLeNet with weights given by a formula.

Writes Tests/FoveaNNTests/Fixtures/zoo_logits.json (committed), which
Tests/FoveaNNTests/ZooFixtureTests.swift compares against at <= 1e-4 relative error after
building the same weights itself. Nothing is downloaded: every parameter and buffer is filled by
a deterministic formula of (tensor index, element index), so the fixture stays small (the logits
and the state-dict names) and Fovea can reproduce the weights exactly.

    python3 Scripts/make_zoo_fixtures.py        # needs `pip install torch torchvision`

The formula, for the tensor at position t of `state_dict()` (the fixture lists the names in that
order) and its element i in row-major order: u = hash(i, t) in [-1, 1), where hash is MurmurHash3's
32-bit finaliser of (i + t·0x9E3779B9) mod 2^32 and u = h / 2^32 · 2 − 1 — integer arithmetic, so
any language reproduces it bit for bit (a smooth formula such as sin(1.3·i) is nearly orthogonal
to a smooth input and leaves the logits blind to it). Then, in float64, rounded to float32:
    weight of rank >= 2 (conv, linear)   u · sqrt(6 / fan_in),  fan_in = numel / shape[0]  (He scale)
    weight of rank 1 (batch norm)        1 + 0.1·u
    bias, running_mean                   0.1·u
    running_var                          0.75 + 0.25·u
    num_batches_tracked                  left at 0 (unused in evaluation)
The input, [N, 3, S, S], is x_i = hash(i, 1000003) in [-1, 1), rounded to float32.
Models are torchvision's defaults except: GoogLeNet aux_logits=False, transform_input=False,
init_weights=False (irrelevant, every value is overwritten). Both run in eval mode.
"""
import json
import math
import pathlib

import numpy as np
import torch
import torchvision

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FoveaNNTests" / "Fixtures" / "zoo_logits.json"


MASK32 = np.uint64(0xFFFFFFFF)


def hash_uniform(n, t):
    """u_i = fmix32((i + t·0x9E3779B9) mod 2^32) / 2^32 · 2 − 1 for i < n, in float64."""
    x = (np.arange(n, dtype=np.uint64) + np.uint64(t) * np.uint64(0x9E3779B9)) & MASK32
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x85EBCA6B)) & MASK32
    x ^= x >> np.uint64(13)
    x = (x * np.uint64(0xC2B2AE35)) & MASK32
    x ^= x >> np.uint64(16)
    return torch.from_numpy(x.astype(np.float64) / 4294967296.0 * 2.0 - 1.0)


def formula_value(name, shape, t):
    n = math.prod(shape)
    s = hash_uniform(n, t)
    if name.endswith("running_var"):
        v = 0.75 + 0.25 * s
    elif name.endswith("running_mean") or name.endswith("bias"):
        v = 0.1 * s
    elif name.endswith("weight") and len(shape) >= 2:
        v = s * math.sqrt(6.0 / (n // shape[0]))
    elif name.endswith("weight"):
        v = 1.0 + 0.1 * s
    else:
        raise ValueError(f"no formula for {name}")
    return v.to(torch.float32).reshape(shape)


def fill(model):
    state = model.state_dict()
    names = list(state.keys())
    for t, name in enumerate(names):
        if name.endswith("num_batches_tracked"):
            continue
        state[name].copy_(formula_value(name, list(state[name].shape), t))
    return names


def formula_input(shape):
    return hash_uniform(math.prod(shape), 1000003).to(torch.float32).reshape(shape)


def case(name, model, input_shape):
    model.eval()
    names = fill(model)
    with torch.no_grad():
        logits = model(formula_input(input_shape))
    return {
        "name": name,
        "input_shape": input_shape,
        "state_dict_keys": names,
        "logits_shape": list(logits.shape),
        # The shortest decimal that reads back as the same float32, to keep the file small.
        "logits": [float(str(v)) for v in logits.flatten().numpy()],
    }


def main():
    torch.manual_seed(0)
    cases = [
        # 131×131: conv1 → 32², pools → 15², 7², 3²; the adaptive pool then spreads 3² over 6².
        case("alexnet", torchvision.models.alexnet(), [2, 3, 131, 131]),
        # 57×57: odd sizes exercise ceil-mode pooling (29 → 14 → 7 → 3 → 2).
        case("googlenet", torchvision.models.googlenet(aux_logits=False, transform_input=False, init_weights=False),
             [2, 3, 57, 57]),
    ]
    root = {
        "generator": "Scripts/make_zoo_fixtures.py",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "cases": cases,
    }
    OUT.write_text(json.dumps(root, separators=(",", ":")) + "\n")
    for c in cases:
        m = max(abs(v) for v in c["logits"])
        print(f"{c['name']}: {len(c['state_dict_keys'])} tensors, logits {c['logits_shape']}, max |logit| {m:.4g}")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
