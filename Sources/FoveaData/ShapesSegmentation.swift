// The `shapes` data as a pixel-labelling task: the same images as `shapes`, each pixel labelled
// with its glyph's class (1…10) or background (0) — training data for the recurrent
// convolutional network, where the label of a pixel on a stroke depends on the whole glyph.

import Dispatch

/// Images with one class label per pixel.
public struct SegmentationDataset: Sendable {
    /// The images (and their whole-image class labels).
    public let images: ImageDataset
    /// `count × height × width` pixel labels in `0..<classNames.count`.
    public let masks: [UInt8]
    /// "background" first, then the glyph classes.
    public let classNames: [String]

    public var count: Int { images.count }

    /// The pixel labels of the chosen images, flattened in (image, row, column) order — the order
    /// of a `[N, classes, H, W]` output permuted to `[N, H, W, classes]`.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for an index out of range.
    public func pixelLabels(indices: [Int]) throws -> [Int32] {
        let plane = images.height * images.width
        var labels: [Int32] = []
        labels.reserveCapacity(indices.count * plane)
        for i in indices {
            guard i >= 0 && i < count else {
                throw DataError.invalidArgument(name: "index", value: "\(i)", reason: "outside 0..<\(count)")
            }
            labels += masks[(i * plane)..<((i + 1) * plane)].map { Int32($0) }
        }
        return labels
    }
}

extension ImageDataset {
    /// The `shapes` images of ``shapes(count:seed:size:)`` (byte for byte) with their pixel labels.
    public static func shapesSegmentation(count: Int, seed: UInt64, size: Int = 28) -> SegmentationDataset {
        let images = shapes(count: count, seed: seed, size: size)
        let n = images.count, side = images.height, plane = side * side
        var pixels = [UInt8](repeating: 0, count: n * plane)
        let masks = [UInt8](unsafeUninitializedCapacity: n * plane) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            let (maskOut, labels) = (SendablePointer(base: base), images.labels)
            pixels.withUnsafeMutableBufferPointer { scratch in
                let imageOut = SendablePointer(base: scratch.baseAddress!)
                let chunks = n >= 512 ? 8 : 1
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for i in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
                        // The same per-image stream as `shapes`, so the images match byte for byte.
                        var generator = SeededGenerator(seed: seed ^ (UInt64(i) &+ 1) &* 0xD1B5_4A32_D192_ED03)
                        drawGlyph(ShapeGlyph(rawValue: Int(labels[i])) ?? .circle, into: imageOut.base + i * plane,
                                  mask: maskOut.base + i * plane, side: side, generator: &generator)
                    }
                }
            }
            initialized = n * plane
        }
        return SegmentationDataset(images: images, masks: masks, classNames: ["background"] + shapesClassNames)
    }
}
