#!/usr/bin/env python3
"""Writes the PyTorch-made fixtures for Fovea's safetensors interop test.

A tiny nn.Sequential(Conv2d(1, 2, 3), ReLU(), Flatten(), Linear(32, 3)) with seeded weights is
saved with safetensors (its state_dict, names "0.weight", "0.bias", "3.weight", "3.bias"), and
its output on a fixed input is written as JSON. Fovea's test (Tests/FoveaNNTests/
PyTorchInteropTests.swift) builds the same architecture, loads the file, and must reproduce the
output to 1e-5. PyTorch's Linear on a 4-D input would act on the last axis only, so the
Flatten (PyTorch and Fovea both flatten from axis 1) sits between the convolution and the Linear.

Run from the repository root:  python3 Scripts/make_safetensors_fixture.py
Needs: torch, safetensors (pip install torch safetensors). CI does not need them: the outputs
are committed under Tests/FoveaNNTests/Fixtures.
"""
import json
import math
import os

import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "FoveaNNTests", "Fixtures")


def main() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, kernel_size=3),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(2 * 4 * 4, 3),
    ).eval()
    # A fixed input [2, 1, 6, 6] from a formula Fovea's test can also see (values are stored anyway).
    values = [math.sin(0.37 * i) + 0.1 * (i % 5) for i in range(2 * 1 * 6 * 6)]
    x = torch.tensor(values, dtype=torch.float32).reshape(2, 1, 6, 6)
    with torch.no_grad():
        y = model(x)

    os.makedirs(OUT, exist_ok=True)
    state = {name: tensor.contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, os.path.join(OUT, "tiny_cnn.safetensors"))
    with open(os.path.join(OUT, "tiny_cnn_output.json"), "w") as f:
        json.dump({
            "torch_version": torch.__version__,
            "input_shape": list(x.shape),
            "input": [float(v) for v in x.flatten()],
            "output_shape": list(y.shape),
            "output": [float(v) for v in y.flatten()],
        }, f, indent=1)
        f.write("\n")
    print("wrote", sorted(state), "and output", list(y.shape))


if __name__ == "__main__":
    main()
