// The `shapes` data as a pixel-labelling task: the same images as `shapes`, each pixel labelled
// with its glyph's class (1…10) or background (0) — training data for the recurrent
// convolutional network, where the label of a pixel on a stroke depends on the whole glyph.

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

    /// The chosen images with their masks, in the order given (repeats allowed).
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for an index out of range.
    public func subset(_ indices: [Int]) throws -> SegmentationDataset {
        let chosen = try images.subset(indices)
        let plane = images.height * images.width
        var masks: [UInt8] = []
        masks.reserveCapacity(indices.count * plane)
        for i in indices { masks += self.masks[(i * plane)..<((i + 1) * plane)] }
        return SegmentationDataset(images: chosen, masks: masks, classNames: classNames)
    }
}

extension ImageDataset {
    /// The pixel classes of the `shapes` segmentation set: "background", then the glyph classes.
    public static let shapesPixelClassNames = ["background"] + shapesClassNames

    /// The `shapes` images of ``shapes(count:seed:size:)`` (byte for byte) with their pixel labels.
    public static func shapesSegmentation(count: Int, seed: UInt64, size: Int = 28) -> SegmentationDataset {
        let (images, masks) = drawShapes(count: count, seed: seed, size: size, withMasks: true)
        return SegmentationDataset(images: images, masks: masks, classNames: shapesPixelClassNames)
    }

    /// A split of the `shapes` segmentation set: the images of ``shapes(split:count:seed:size:)``
    /// (byte for byte) with their pixel labels.
    public static func shapesSegmentation(split: DatasetSplit, count: Int, seed: UInt64, size: Int = 28) -> SegmentationDataset {
        shapesSegmentation(count: count, seed: shapesSplitSeed(split, seed), size: size)
    }
}
