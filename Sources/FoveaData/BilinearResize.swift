// Bilinear resizing of 8-bit images exactly as Pillow does it (`Image.resize(size, BILINEAR)`,
// which torchvision's `Resize` calls on PIL images): a triangle filter whose support widens with
// the shrink factor (so shrinking averages every pixel it covers: antialiasing), applied as two
// separable passes — horizontal first, then vertical — in 22-bit fixed point with rounding to
// bytes between the passes (Pillow's `Resample.c`, `precompute_coeffs` and `normalize_coeffs_8bpc`).
// Enlarging is plain bilinear interpolation with half-pixel centres (PyTorch's `align_corners=False`).
// C channels, H×W in, P×Q out.

extension PlanarImage {
    /// The image resized to `height × width` with Pillow's bilinear filter (see the file header).
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for a size below 1.
    public func resized(height newHeight: Int, width newWidth: Int) throws -> PlanarImage {
        guard newHeight >= 1, newWidth >= 1 else {
            throw DataError.invalidArgument(name: "resize", value: "\(newHeight)×\(newWidth)", reason: "sizes must be at least 1")
        }
        var image = self
        if newWidth != width {
            let taps = ResampleTaps(input: width, output: newWidth), source = image
            image = source.resampled(height: height, width: newWidth) { c, y, q in taps.apply(q) { source.pixel(c, y, $0) } }
        }
        if newHeight != height {
            let taps = ResampleTaps(input: height, output: newHeight), source = image
            image = source.resampled(height: newHeight, width: newWidth) { c, p, x in taps.apply(p) { source.pixel(c, $0, x) } }
        }
        return image
    }

    /// The image scaled so its shorter side is `size`, keeping the aspect ratio (torchvision's
    /// `Resize(size)`: the longer side becomes `⌊size · long / short⌋`).
    /// - Throws: as ``resized(height:width:)``.
    public func resized(shorterSide size: Int) throws -> PlanarImage {
        let (short, long) = (min(height, width), max(height, width))
        let longer = size * long / short
        return try height <= width ? resized(height: size, width: longer) : resized(height: longer, width: size)
    }

    @inline(__always) fileprivate func pixel(_ c: Int, _ y: Int, _ x: Int) -> UInt8 { pixels[(c * height + y) * width + x] }

    /// A new image of the same channels whose pixel (c, y, x) is `value(c, y, x)`.
    fileprivate func resampled(height h: Int, width w: Int, value: (Int, Int, Int) -> UInt8) -> PlanarImage {
        var out = [UInt8](repeating: 0, count: channels * h * w)
        var i = 0
        for c in 0..<channels { for y in 0..<h { for x in 0..<w { out[i] = value(c, y, x); i += 1 } } }
        return PlanarImage(unchecked: channels, h, w, out)
    }
}

/// Pillow's fixed-point filter taps of one resampling pass along one axis.
private struct ResampleTaps {
    static let precisionBits = 22  // 32 − 8 − 2, as Pillow's PRECISION_BITS
    /// Per output position: the first input position it reads and its integer weights.
    let first: [Int]
    let weights: [[Int]]

    init(input: Int, output: Int) {
        let scale = Double(input) / Double(output)
        let filterScale = max(scale, 1)
        let support = filterScale  // the triangle's support 1, widened when shrinking
        var first: [Int] = [], weights: [[Int]] = []
        for q in 0..<output {
            let centre = (Double(q) + 0.5) * scale
            let lo = max(Int(centre - support + 0.5), 0)   // Int() truncates, as C's (int)
            let hi = min(Int(centre + support + 0.5), input)
            var taps = (lo..<max(hi, lo)).map { x in max(1 - abs((Double(x) - centre + 0.5) / filterScale), 0) }
            let total = taps.reduce(0, +)
            if total != 0 { taps = taps.map { $0 / total } }
            first.append(lo)
            weights.append(taps.map { w in
                Int(w < 0 ? -0.5 + w * Double(1 << Self.precisionBits) : 0.5 + w * Double(1 << Self.precisionBits))
            })
        }
        (self.first, self.weights) = (first, weights)
    }

    /// Output position `q` from the input values `value(x)`, rounded and clipped to a byte.
    @inline(__always) func apply(_ q: Int, value: (Int) -> UInt8) -> UInt8 {
        var sum = 1 << (Self.precisionBits - 1)
        for (k, w) in weights[q].enumerated() { sum += Int(value(first[q] + k)) * w }
        return sum <= 0 ? 0 : UInt8(min(sum >> Self.precisionBits, 255))
    }
}

extension ImageDataset {
    /// The dataset with every image converted to `channels` (grey ↔ RGB as
    /// ``PlanarImage/init(_:channels:)`` converts) and resized to `side × side` with Pillow's
    /// bilinear filter; labels and class names unchanged. Returns `self` when nothing changes.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for `channels` other than 1 or 3
    ///   (when a conversion is needed) or `side` < 1.
    public func converted(channels newChannels: Int, side: Int) throws -> ImageDataset {
        if newChannels == channels && side == height && side == width { return self }
        var out = [UInt8](); out.reserveCapacity(count * newChannels * side * side)
        for index in 0..<count {
            var image = try planarImage(at: index)
            if image.height != side || image.width != side { image = try image.resized(height: side, width: side) }
            out += try image.converted(channels: newChannels).pixels
        }
        return ImageDataset(unchecked: out, labels: labels, channels: newChannels, height: side, width: side, classNames: classNames)
    }
}
