// ImageDataset: labelled images held in memory as bytes, and their conversion to float batches.
// N count, C channels, H×W image; pixels are stored NCHW as UInt8 0–255, labels as Int32 class indices.

/// Labelled images in memory: `count` images of `channels × height × width` bytes (0–255), NCHW.
///
/// A value type: copies share the pixel storage. Build one from IDX files
/// (``fashionMNIST(split:directory:environment:download:)``, ``mnist(split:directory:environment:download:)``), from
/// the built-in generator (``shapes(count:seed:size:)``), or from your own bytes (``init(pixels:labels:channels:height:width:classNames:)``).
/// Batch it with ``DataLoader``, or convert chosen images with ``batch(indices:normalization:)``.
public struct ImageDataset: Sendable {
    /// All pixels, image after image, each image NCHW-ordered: `[count, channels, height, width]`.
    public let pixels: [UInt8]
    /// One class index per image, in `0..<classNames.count`.
    public let labels: [Int32]
    /// The name of each class, indexed by label.
    public let classNames: [String]
    /// Channels per image (1 for grey scale).
    public let channels: Int
    /// Image height in pixels.
    public let height: Int
    /// Image width in pixels.
    public let width: Int

    /// The number of images.
    public var count: Int { labels.count }
    /// Bytes per image: `channels × height × width`.
    public var imageSize: Int { channels * height * width }
    /// The shape of the whole dataset as a tensor: `[count, channels, height, width]`.
    public var shape: [Int] { [count, channels, height, width] }

    /// A dataset from raw pixels and labels.
    ///
    /// - Parameters:
    ///   - pixels: `labels.count × channels × height × width` bytes, NCHW.
    ///   - labels: one class index per image, each in `0..<classNames.count`.
    ///   - channels, height, width: the size of one image, each ≥ 1.
    ///   - classNames: the name of each class (at least one).
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for sizes that do not agree,
    ///   ``DataError/labelOutOfRange(path:index:label:classCount:)`` for a bad label.
    public init(pixels: [UInt8], labels: [Int32], channels: Int, height: Int, width: Int, classNames: [String]) throws {
        for (name, value) in [("channels", channels), ("height", height), ("width", width)] where value < 1 {
            throw DataError.invalidArgument(name: name, value: "\(value)", reason: "must be at least 1")
        }
        guard !classNames.isEmpty else {
            throw DataError.invalidArgument(name: "classNames", value: "[]", reason: "a dataset needs at least one class")
        }
        let expected = labels.count * channels * height * width
        guard pixels.count == expected else {
            throw DataError.invalidArgument(
                name: "pixel count", value: "\(pixels.count)",
                reason: "\(labels.count) images of \(channels)×\(height)×\(width) need \(expected) bytes")
        }
        try ImageDataset.checkLabels(labels, classCount: classNames.count, path: "<memory>")
        self.init(unchecked: pixels, labels: labels, channels: channels, height: height, width: width, classNames: classNames)
    }

    /// A dataset from an IDX image file (`[N, H, W]` or `[N, C, H, W]`) and an IDX label file (`[N]`).
    ///
    /// - Parameters:
    ///   - images, labels: the parsed files.
    ///   - classNames: the name of each class; every label must index it.
    ///   - imagesPath, labelsPath: where the files came from, for error messages.
    /// - Throws: ``DataError/wrongRank(path:dimensions:expected:)``,
    ///   ``DataError/countMismatch(imagesPath:imageCount:labelsPath:labelCount:)``,
    ///   ``DataError/labelOutOfRange(path:index:label:classCount:)``.
    public init(images: IDXFile, labels: IDXFile, classNames: [String], imagesPath: String, labelsPath: String) throws {
        let d = images.dimensions
        guard d.count == 3 || d.count == 4, d.dropFirst().allSatisfy({ $0 >= 1 }) else {
            throw DataError.wrongRank(path: imagesPath, dimensions: d, expected: "3 ([count, height, width]) or 4 ([count, channels, height, width]) with sizes ≥ 1")
        }
        guard labels.dimensions.count == 1 else {
            throw DataError.wrongRank(path: labelsPath, dimensions: labels.dimensions, expected: "1 ([count])")
        }
        guard d[0] == labels.dimensions[0] else {
            throw DataError.countMismatch(imagesPath: imagesPath, imageCount: d[0], labelsPath: labelsPath, labelCount: labels.dimensions[0])
        }
        guard !classNames.isEmpty else {
            throw DataError.invalidArgument(name: "classNames", value: "[]", reason: "a dataset needs at least one class")
        }
        let labelValues = labels.bytes.map { Int32($0) }
        try ImageDataset.checkLabels(labelValues, classCount: classNames.count, path: labelsPath)
        let (c, h, w) = d.count == 3 ? (1, d[1], d[2]) : (d[1], d[2], d[3])
        self.init(unchecked: images.bytes, labels: labelValues, channels: c, height: h, width: w, classNames: classNames)
    }

    /// Internal: the caller guarantees that everything agrees.
    init(unchecked pixels: [UInt8], labels: [Int32], channels: Int, height: Int, width: Int, classNames: [String]) {
        self.pixels = pixels
        self.labels = labels
        self.channels = channels
        self.height = height
        self.width = width
        self.classNames = classNames
    }

    private static func checkLabels(_ labels: [Int32], classCount: Int, path: String) throws {
        if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) {
            throw DataError.labelOutOfRange(path: path, index: bad, label: Int(labels[bad]), classCount: classCount)
        }
    }

    // MARK: Access

    /// The bytes of image `index`: `channels × height × width` values 0–255, CHW order.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` when `index` is outside `0..<count`.
    public func image(at index: Int) throws -> [UInt8] {
        try checkIndex(index)
        return Array(pixels[index * imageSize ..< (index + 1) * imageSize])
    }

    /// The label of image `index`.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` when `index` is outside `0..<count`.
    public func label(at index: Int) throws -> Int32 {
        try checkIndex(index)
        return labels[index]
    }

    /// A dataset of the chosen images, in the order given (repeats allowed), with the same classes.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for an index outside `0..<count`.
    public func subset(_ indices: [Int]) throws -> ImageDataset {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) { try checkIndex(bad) }
        let size = imageSize
        var chosen: [UInt8] = []
        chosen.reserveCapacity(indices.count * size)
        for index in indices { chosen += pixels[index * size ..< (index + 1) * size] }
        return ImageDataset(unchecked: chosen, labels: indices.map { labels[$0] }, channels: channels,
                            height: height, width: width, classNames: classNames)
    }

    /// How many images each class has, indexed by label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// The mean and (population) standard deviation of all pixels scaled to [0, 1]: the values to pass as
    /// `normalization` so that batches have mean 0 and standard deviation 1. Zero for an empty dataset.
    public func pixelStatistics() -> (mean: Float, std: Float) {
        guard !pixels.isEmpty else { return (0, 0) }
        var histogram = [Int](repeating: 0, count: 256)
        pixels.withUnsafeBufferPointer { for p in $0 { histogram[Int(p)] += 1 } }
        var sum = 0.0, sumOfSquares = 0.0
        for (value, n) in histogram.enumerated() {
            let v = Double(value) / 255
            sum += v * Double(n)
            sumOfSquares += v * v * Double(n)
        }
        let mean = sum / Double(pixels.count)
        let variance = max(sumOfSquares / Double(pixels.count) - mean * mean, 0)
        return (Float(mean), Float(variance.squareRoot()))
    }

    private func checkIndex(_ index: Int) throws {
        guard index >= 0, index < count else {
            throw DataError.invalidArgument(name: "image index", value: "\(index)", reason: "the dataset holds \(count) images (0..<\(count))")
        }
    }

    // MARK: Float batches

    /// The chosen images as a float tensor `[indices.count, channels, height, width]`.
    ///
    /// Each pixel becomes `p / 255`, then, with a normalisation, `(p / 255 − mean) / std`.
    /// - Parameters:
    ///   - indices: which images, in batch order; repeats are allowed.
    ///   - normalization: an optional `(mean, std)` applied after scaling to [0, 1]; `std` must be > 0.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for an index outside `0..<count` or a bad `std`.
    public func batch(indices: [Int], normalization: (mean: Float, std: Float)? = nil) throws -> Tensor {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) { try checkIndex(bad) }
        let table = try PixelTable(normalization: normalization)
        return try makeBatchTensor(indices: indices, table: table)
    }

    /// Internal: the tensor for valid `indices`, converting each byte through `table`.
    func makeBatchTensor(indices: [Int], table: PixelTable) throws -> Tensor {
        let size = imageSize
        var tensor = try Tensor.zeros([indices.count, channels, height, width])
        tensor.withUnsafeMutableBufferPointer { out in
            pixels.withUnsafeBufferPointer { src in
                table.values.withUnsafeBufferPointer { lut in
                    guard let o = out.baseAddress, let s = src.baseAddress, let l = lut.baseAddress else { return }
                    for (slot, index) in indices.enumerated() {
                        let from = s + index * size
                        let to = o + slot * size
                        for i in 0..<size { to[i] = l[Int(from[i])] }
                    }
                }
            }
        }
        return tensor
    }
}

/// The float value of each of the 256 byte values: `(p / 255 − mean) / std`, or `p / 255`.
///
/// A table makes the conversion one load per pixel and gives bit-identical results on every path.
struct PixelTable: Sendable {
    let values: [Float]

    init(normalization: (mean: Float, std: Float)?) throws {
        if let n = normalization {
            guard n.std > 0, n.std.isFinite else {
                throw DataError.invalidArgument(name: "normalization std", value: "\(n.std)", reason: "must be a finite number > 0")
            }
            guard n.mean.isFinite else {
                throw DataError.invalidArgument(name: "normalization mean", value: "\(n.mean)", reason: "must be finite")
            }
            values = (0..<256).map { (Float($0) / 255 - n.mean) / n.std }
        } else {
            values = (0..<256).map { Float($0) / 255 }
        }
    }
}
