"""Regenerates the PNG fixtures (rgb-5x4.png, grey-7x3.png, png-pixels.json) with Pillow, an
independent encoder whose `optimize` setting uses the row filters Fovea's decoder must undo."""
import json
from PIL import Image

w, h = 5, 4
px = [((x * 50 + y * 7) % 256, (y * 60 + x * 3) % 256, (x * y * 20) % 256) for y in range(h) for x in range(w)]
img = Image.new('RGB', (w, h)); img.putdata(px); img.save('rgb-5x4.png', optimize=True)
grey = [(i * 37) % 256 for i in range(21)]
g = Image.new('L', (7, 3)); g.putdata(grey); g.save('grey-7x3.png')
json.dump({'rgb': [c for p in px for c in p], 'grey': grey}, open('png-pixels.json', 'w'))
