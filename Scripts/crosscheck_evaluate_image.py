"""Cross-check of `fovea evaluate --model alexnet|googlenet --weights FILE IMAGE.png` against torchvision.

Builds torchvision's model with seeded random weights (no download), saves its state dict as
safetensors, draws a PNG, and prints torchvision's top-5 for it with the ImageNet evaluation
transform (Resize(256), CenterCrop(224), ToTensor, Normalize). Then run the printed fovea command
and compare. Not used by the tests (they check the command against Fovea's own forward pass).
Run: python3 Scripts/crosscheck_evaluate_image.py alexnet /tmp/xcheck
"""
import os
import sys

import torch
import torchvision
from PIL import Image
from safetensors.torch import save_file
from torchvision import transforms

name, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.alexnet() if name == "alexnet" else torchvision.models.googlenet(aux_logits=False, init_weights=True)
last = model.classifier[6] if name == "alexnet" else model.fc
with torch.no_grad():
    last.weight.mul_(200)  # spread the logits so the ranking does not hang on rounding
model.eval()
weights = os.path.join(out, f"{name}.safetensors")
save_file({k: v.contiguous() for k, v in model.state_dict().items()}, weights)

picture = Image.new("RGB", (160, 120))
picture.putdata([((x * 3 + y) % 256, (x * y) % 256, (200 - y) % 256) for y in range(120) for x in range(160)])
image = os.path.join(out, "picture.png")
picture.save(image)

transform = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                                transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
with torch.no_grad():
    probabilities = model(transform(Image.open(image).convert("RGB")).unsqueeze(0)).softmax(1)[0]
categories = torchvision.models.AlexNet_Weights.IMAGENET1K_V1.meta["categories"]
top = probabilities.topk(5)
print(f"torchvision {torchvision.__version__}, top 5:")
for rank, (p, i) in enumerate(zip(top.values.tolist(), top.indices.tolist())):
    print(f"{rank + 1:2d}. {100 * p:6.2f}%  {categories[i]} (class {i})")
print(f"\nfovea evaluate --model {name} --weights {weights} {image}")
