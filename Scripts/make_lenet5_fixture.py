#!/usr/bin/env python3
"""Writes a LeNet-5 checkpoint made by PyTorch, for Fovea's interop test.

The network is the nn.Sequential that Fovea's `Models.leNet5()` mirrors (same layer order, so the
same state-dict names "0.weight" … "11.bias"): conv 1→6 5×5 pad 2, ReLU, max-pool 2, conv 6→16 5×5,
ReLU, max-pool 2, flatten, linear 400→120, ReLU, linear 120→84, ReLU, linear 84→10. Its seeded
PyTorch-initialised weights go to lenet5.safetensors (≈ 250 KB) and its logits on two fixed
28×28 inputs to lenet5_output.json. Tests/FoveaNNTests/LeNet5InteropTests.swift loads the file
into Fovea's LeNet-5 and must reproduce the logits to 1e-5.

Run from the repository root:  python3 Scripts/make_lenet5_fixture.py   (needs torch, safetensors)
"""
import json
import math
import os

import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "FoveaNNTests", "Fixtures")

torch.manual_seed(5)
nn = torch.nn
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
).eval()
values = [math.sin(0.11 * i) * math.cos(0.07 * i) for i in range(2 * 28 * 28)]
x = torch.tensor(values, dtype=torch.float32).reshape(2, 1, 28, 28)
with torch.no_grad():
    y = model(x)
save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(OUT, "lenet5.safetensors"))
with open(os.path.join(OUT, "lenet5_output.json"), "w") as f:
    json.dump({"torch_version": torch.__version__, "output": [float(v) for v in y.flatten()]}, f)
print("wrote lenet5.safetensors and lenet5_output.json")
