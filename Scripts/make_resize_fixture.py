"""Golden values for Fovea's bilinear resize (Tests/FoveaDataTests/ImageResizeTests.swift).

Pillow's Image.resize(size, BILINEAR) is what torchvision's Resize applies to PIL images; Fovea
implements the same fixed-point filter. This prints, as Swift literals, a small grey image and its
resizes (shrinking, enlarging, both at once) and the colour-to-grey conversion, so the test needs
neither Python nor Pillow. Run: python3 Scripts/make_resize_fixture.py
"""
from PIL import Image

W, H = 7, 5
pixels = [(x * 37 + y * 61 + (x * y) % 5 * 23) % 256 for y in range(H) for x in range(W)]
grey = Image.new("L", (W, H))
grey.putdata(pixels)
print("let source: [UInt8] = %s  // %d×%d, row-major" % (pixels, W, H))
for (w, h) in [(3, 2), (11, 9), (4, 8), (7, 3)]:
    out = list(grey.resize((w, h), Image.BILINEAR).tobytes())
    print("(%d, %d, %s)," % (h, w, out))
rgb = Image.new("RGB", (3, 1))
rgb.putdata([(255, 0, 0), (10, 200, 30), (91, 92, 250)])
print("luma:", list(rgb.convert("L").tobytes()))

# torchvision's ImageNet evaluation transform on a 9×6 colour picture: the channel means and a few
# values of the 3×224×224 result (needs torchvision; the lines above need only Pillow).
from torchvision import transforms

colour = Image.new("RGB", (9, 6))
colour.putdata([((x * 29 + y * 7) % 256, (x * 11 + y * 53) % 256, (x * y * 17 + 40) % 256) for y in range(6) for x in range(9)])
t = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])(colour)
print("means:", [round(float(t[c].mean()), 6) for c in range(3)])
print("samples:", [(c, y, x, round(float(t[c, y, x]), 6)) for (c, y, x) in [(0, 0, 0), (1, 100, 37), (2, 223, 223), (0, 57, 190)]])
