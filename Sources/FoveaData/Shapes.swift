// Shapes: the built-in, procedurally generated dataset of ten glyph classes.
// Needs no files, is a function of its seed alone, and asks a network for translation invariance:
// each glyph appears at a random position and scale, with random stroke width, contrast and noise.

import Dispatch
import Foundation

/// The ten glyph classes of the built-in `shapes` dataset, in label order.
public enum ShapeGlyph: Int, CaseIterable, Sendable {
    case circle, ring, square, filledSquare, triangle, plus, cross, horizontalBar, verticalBar, diamond

    /// A short human-readable name ("filled square").
    public var name: String {
        switch self {
        case .circle: return "circle"
        case .ring: return "ring"
        case .square: return "square"
        case .filledSquare: return "filled square"
        case .triangle: return "triangle"
        case .plus: return "plus"
        case .cross: return "cross"
        case .horizontalBar: return "horizontal bar"
        case .verticalBar: return "vertical bar"
        case .diamond: return "diamond"
        }
    }
}

extension ImageDataset {
    /// The class names of the `shapes` dataset, indexed by label.
    public static let shapesClassNames: [String] = ShapeGlyph.allCases.map(\.name)

    /// The pixel mean and standard deviation of `shapes` (scaled to [0, 1]; measured on 10,000 images), for `DataLoader(normalization:)`.
    public static let shapesNormalization: (mean: Float, std: Float) = (0.178, 0.262)

    /// The smallest image side the `shapes` generator draws.
    public static let shapesMinimumSize = 8

    /// Generates the built-in `shapes` dataset: `count` grey `size × size` images of ten glyph classes.
    ///
    /// Classes (``ShapeGlyph``): circle (disk), ring, square outline, filled square, triangle, plus (+),
    /// cross (×), horizontal bar, vertical bar, diamond outline. Each image draws one glyph, anti-aliased
    /// (70 %) or crisp (30 %), at a random centre and half-size (≈ 6–11 px at size 28) that keep it inside
    /// the image, with random stroke width, glyph brightness (150–255), background (0–30) and additive
    /// approximately Gaussian noise (σ 6–20). Classes are balanced: every class gets `count / 10` images,
    /// the first `count % 10` classes one more, in a shuffled order.
    ///
    /// The result depends on `(count, seed, size)` only (``SeededGenerator``, the same on every platform).
    /// Convention for a train/test pair: different seeds, as ``shapes(split:count:seed:size:)`` does.
    /// Images are drawn on all cores; 10,000 images of 28×28 take ≈ 0.1 s in release builds (2 cores).
    ///
    /// Difficulty, measured once with a NumPy reference on 10,000 training and 2,000 test images (seed 42,
    /// normalised, Adam lr 0.002, batch 64): a small CNN (conv 3×3×8, ReLU, max-pool 2, conv 3×3×16, ReLU,
    /// max-pool 2, linear) reached 92.4 % test accuracy after one epoch and 98.1 % after two, while a linear
    /// softmax classifier on the raw pixels stayed at 66 % after 20 epochs: the task needs the translation
    /// invariance that convolution and pooling give.
    ///
    /// - Parameters:
    ///   - count: the number of images (a negative count is treated as 0).
    ///   - seed: fixes every image and label.
    ///   - size: the image side in pixels (values below 8 are treated as 8).
    public static func shapes(count: Int, seed: UInt64, size: Int = 28) -> ImageDataset {
        drawShapes(count: count, seed: seed, size: size, withMasks: false).images
    }

    /// The `shapes` images and, with `withMasks`, each pixel's label (1 + class on the glyph, 0
    /// elsewhere) drawn in the same pass — one generator stream, so the images do not depend on it.
    static func drawShapes(count: Int, seed: UInt64, size: Int, withMasks: Bool) -> (images: ImageDataset, masks: [UInt8]) {
        let n = max(count, 0)
        let side = max(size, shapesMinimumSize)
        let classCount = ShapeGlyph.allCases.count
        var generator = SeededGenerator(seed: seed)

        // Balanced labels, then a Fisher–Yates shuffle.
        var labels = (0..<n).map { Int32($0 % classCount) }
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                labels.swapAt(i, generator.nextIndex(below: i + 1))
            }
        }

        // Each image draws from its own generator, derived from (seed, index), so images can be drawn
        // on several threads and the bytes do not depend on how the work is split.
        let imageSize = side * side
        var masks = [UInt8](repeating: 0, count: withMasks ? n * imageSize : 0)
        let pixels = [UInt8](unsafeUninitializedCapacity: n * imageSize) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            let output = SendablePointer(base: base)
            let finalLabels = labels
            let chunks = n >= 512 ? min(ProcessInfo.processInfo.activeProcessorCount * 4, n / 128) : 1
            masks.withUnsafeMutableBufferPointer { maskBuffer in
                // An empty array still has a base address: only hand out a mask when one was asked for.
                let maskOutput = withMasks ? maskBuffer.baseAddress.map(SendablePointer.init(base:)) : nil
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for i in (n * chunk / chunks) ..< (n * (chunk + 1) / chunks) {
                        var imageGenerator = SeededGenerator(seed: seed ^ (UInt64(i) &+ 1) &* 0xD1B5_4A32_D192_ED03)
                        let glyph = ShapeGlyph(rawValue: Int(finalLabels[i])) ?? .circle
                        drawGlyph(glyph, into: output.base + i * imageSize, mask: maskOutput.map { $0.base + i * imageSize },
                                  side: side, generator: &imageGenerator)
                    }
                }
            }
            initialized = n * imageSize
        }
        let images = ImageDataset(unchecked: pixels, labels: labels, channels: 1, height: side, width: side,
                                  classNames: shapesClassNames)
        return (images, masks)
    }

    /// A `shapes` split: `.train` uses `seed`, `.test` a seed derived from it, so the two never coincide.
    ///
    /// - Parameters:
    ///   - split: which split.
    ///   - count: the number of images.
    ///   - seed: the dataset seed shared by both splits.
    ///   - size: the image side in pixels.
    public static func shapes(split: DatasetSplit, count: Int, seed: UInt64, size: Int = 28) -> ImageDataset {
        shapes(count: count, seed: shapesSplitSeed(split, seed), size: size)
    }

    /// The generator seed of a split: `seed` for training, for testing one derived from it.
    static func shapesSplitSeed(_ split: DatasetSplit, _ seed: UInt64) -> UInt64 {
        split == .train ? seed : seed ^ 0x7465_7374_7365_7421  // "testset!"
    }
}

// MARK: Drawing

/// A pointer handed to worker threads that write disjoint ranges of it.
private struct SendablePointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
}

/// Draws one glyph with random geometry, contrast and noise into `side × side` bytes at `out`.
/// With `mask`, also writes each pixel's label there: 1 + the glyph's class where the glyph covers
/// at least half the pixel, 0 (background) elsewhere; the random stream is the same either way.
private func drawGlyph(_ glyph: ShapeGlyph, into out: UnsafeMutablePointer<UInt8>, mask: UnsafeMutablePointer<UInt8>?, side: Int,
               generator g: inout SeededGenerator) {
    let scale = Float(side) / 28
    let r = (6 + 5 * g.nextUnitFloat()) * scale            // half-size of the glyph
    let t = max((1.6 + 1.2 * g.nextUnitFloat()) * scale, 1) // stroke width
    let lo = r + 0.5, hi = Float(side) - r - 0.5
    let cx = lo + max(hi - lo, 0) * g.nextUnitFloat()
    let cy = lo + max(hi - lo, 0) * g.nextUnitFloat()
    let foreground = 150 + 105 * g.nextUnitFloat()
    let background = 30 * g.nextUnitFloat()
    let sigma = 6 + 14 * g.nextUnitFloat()
    let crisp = g.nextUnitFloat() < 0.3

    // Only pixels near the glyph need its distance function.
    let reach = 1.45 * r + t + 1
    let x0 = max(Int(cx - reach), 0), x1 = min(Int(cx + reach) + 1, side)
    let y0 = max(Int(cy - reach), 0), y1 = min(Int(cy + reach) + 1, side)

    for y in 0..<side {
        let py = Float(y) + 0.5 - cy
        let nearRow = y >= y0 && y < y1
        for x in 0..<side {
            var coverage: Float = 0
            if nearRow && x >= x0 && x < x1 {
                let d = glyphDistance(glyph, Float(x) + 0.5 - cx, py, r: r, t: t)
                coverage = crisp ? (d <= 0 ? 1 : 0) : min(max(0.5 - d, 0), 1)
            }
            mask?[y * side + x] = coverage >= 0.5 ? UInt8(glyph.rawValue + 1) : 0
            let value = background + (foreground - background) * coverage + sigma * approximateNormal(&g)
            out[y * side + x] = UInt8(min(max(value + 0.5, 0), 255.5))  // round half up, clamp to 0…255
        }
    }
}

/// Signed distance in pixels from `(px, py)` (relative to the centre, y down) to the glyph's edge; negative inside.
private func glyphDistance(_ glyph: ShapeGlyph, _ px: Float, _ py: Float, r: Float, t: Float) -> Float {
    let halfStroke = t / 2
    switch glyph {
    case .circle:
        return (px * px + py * py).squareRoot() - r
    case .ring:
        return abs((px * px + py * py).squareRoot() - (r - halfStroke)) - halfStroke
    case .square:
        return abs(boxDistance(px, py, r - halfStroke, r - halfStroke)) - halfStroke
    case .filledSquare:
        return boxDistance(px, py, 0.9 * r, 0.9 * r)
    case .triangle:
        return triangleDistance(px, -py, halfSide: r)
    case .plus:
        return min(boxDistance(px, py, r, halfStroke), boxDistance(px, py, halfStroke, r))
    case .cross:
        let u = (px + py) * 0.70710678, v = (py - px) * 0.70710678
        let arm = 1.25 * r
        return min(boxDistance(u, v, arm, halfStroke), boxDistance(u, v, halfStroke, arm))
    case .horizontalBar:
        return boxDistance(px, py, r, max(halfStroke, 0.25 * r))
    case .verticalBar:
        return boxDistance(px, py, max(halfStroke, 0.25 * r), r)
    case .diamond:
        let d = (abs(px) + abs(py) - r) * 0.70710678
        return abs(d + halfStroke) - halfStroke
    }
}

/// Signed distance to an axis-aligned box with half-extents `(bx, by)` centred at the origin.
private func boxDistance(_ px: Float, _ py: Float, _ bx: Float, _ by: Float) -> Float {
    let qx = abs(px) - bx, qy = abs(py) - by
    let ox = max(qx, 0), oy = max(qy, 0)
    return (ox * ox + oy * oy).squareRoot() + min(max(qx, qy), 0)
}

/// Signed distance to an upright equilateral triangle of half-side `a` (y up), its bounding box centred at the origin.
private func triangleDistance(_ x: Float, _ y: Float, halfSide a: Float) -> Float {
    let k: Float = 1.7320508  // √3
    var px = abs(x) - a
    var py = y + 0.28867513 * a + a / k  // centre the box, then move the base to y = 0 − a/√3 as the formula expects
    if px + k * py > 0 {
        (px, py) = ((px - k * py) / 2, (-k * px - py) / 2)
    }
    px -= min(max(px, -2 * a), 0)
    let length = (px * px + py * py).squareRoot()
    return py > 0 ? -length : length
}

/// A cheap, approximately standard-normal sample: the sum of four uniform 16-bit values, standardised.
@inline(__always)
private func approximateNormal(_ g: inout SeededGenerator) -> Float {
    let u = g.next()
    let sum = (u & 0xFFFF) + (u >> 16 & 0xFFFF) + (u >> 32 & 0xFFFF) + (u >> 48)
    return (Float(sum) - 131_070) * (1 / 37_837.2)
}
