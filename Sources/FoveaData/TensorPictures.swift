// Turning tensors into pictures: a 2-D map scaled to grey levels, and a grid of small maps
// (first-layer kernels, feature maps) laid out as one image.

extension PNGImage {
    /// A grey image of a `[H, W]` tensor (or any tensor whose last two dimensions are H×W with all
    /// others 1), mapping `range` (default: the tensor's own min…max) to 0…255.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for another shape or an empty tensor.
    public static func grey(_ map: Tensor, range: ClosedRange<Float>? = nil) throws -> PNGImage {
        let shape = map.shape
        guard shape.count >= 2, shape.dropLast(2).allSatisfy({ $0 == 1 }), map.count > 0 else {
            throw DataError.invalidArgument(name: "picture", value: "\(shape)", reason: "needs a non-empty [H, W] map")
        }
        let values = map.scalars
        let low = range?.lowerBound ?? values.min()!, high = range?.upperBound ?? values.max()!
        let scale: Float = high > low ? 255 / (high - low) : 0
        let pixels = values.map { v -> UInt8 in
            guard v.isFinite else { return 0 }
            return UInt8(max(0, min(255, ((v - low) * scale).rounded())))
        }
        return try PNGImage(width: shape[shape.count - 1], height: shape[shape.count - 2], channels: 1, pixels: pixels)
    }

    /// Maps `[count, H, W]` laid out in a grid `columns` wide with a 1-pixel border, each map
    /// scaled to its own range (`perMap`) or to the shared range of all.
    /// - Throws: for a tensor of another rank or no maps.
    public static func grid(_ maps: Tensor, columns: Int = 8, scale: Int = 1, perMap: Bool = true) throws -> PNGImage {
        guard maps.rank == 3, maps.shape[0] > 0, columns >= 1, scale >= 1 else {
            throw DataError.invalidArgument(name: "picture grid", value: "\(maps.shape)", reason: "needs [count, H, W] maps, columns ≥ 1, scale ≥ 1")
        }
        let (count, h, w) = (maps.shape[0], maps.shape[1], maps.shape[2])
        let cols = min(columns, count), rows = (count + cols - 1) / cols
        let cellW = w * scale + 1, cellH = h * scale + 1
        let width = cols * cellW + 1, height = rows * cellH + 1
        var pixels = [UInt8](repeating: 64, count: width * height)
        let all = maps.scalars
        let shared = (all.min() ?? 0, all.max() ?? 1)
        for m in 0..<count {
            let values = Array(all[(m * h * w)..<((m + 1) * h * w)])
            let (low, high) = perMap ? (values.min()!, values.max()!) : shared
            let k: Float = high > low ? 255 / (high - low) : 0
            let x0 = (m % cols) * cellW + 1, y0 = (m / cols) * cellH + 1
            for y in 0..<(h * scale) { for x in 0..<(w * scale) {
                let v = values[(y / scale) * w + x / scale]
                pixels[(y0 + y) * width + x0 + x] = v.isFinite ? UInt8(max(0, min(255, ((v - low) * k).rounded()))) : 0
            } }
        }
        return try PNGImage(width: width, height: height, channels: 1, pixels: pixels)
    }
}

extension PNGImage {
    /// Colour maps `[count, 3, H, W]` (red, green, blue planes) laid out in a grid `columns` wide with a
    /// 1-pixel border, each map scaled to its own min…max over all three planes (so a kernel's colours
    /// keep their balance).
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for another shape, no maps, columns or scale < 1.
    public static func colourGrid(_ maps: Tensor, columns: Int = 8, scale: Int = 1) throws -> PNGImage {
        guard maps.rank == 4, maps.shape[0] > 0, maps.shape[1] == 3, columns >= 1, scale >= 1 else {
            throw DataError.invalidArgument(name: "colour picture grid", value: "\(maps.shape)", reason: "needs [count, 3, H, W] maps, columns ≥ 1, scale ≥ 1")
        }
        let (count, h, w) = (maps.shape[0], maps.shape[2], maps.shape[3])
        let cols = min(columns, count), rows = (count + cols - 1) / cols
        let cellW = w * scale + 1, cellH = h * scale + 1
        let width = cols * cellW + 1, height = rows * cellH + 1
        var pixels = [UInt8](repeating: 64, count: width * height * 3)
        let all = maps.scalars, plane = h * w
        for m in 0..<count {
            let values = all[(m * 3 * plane)..<((m + 1) * 3 * plane)]
            let low = values.min()!, high = values.max()!
            let k: Float = high > low ? 255 / (high - low) : 0
            let x0 = (m % cols) * cellW + 1, y0 = (m / cols) * cellH + 1
            for y in 0..<(h * scale) { for x in 0..<(w * scale) { for c in 0..<3 {
                let v = all[m * 3 * plane + c * plane + (y / scale) * w + x / scale]
                pixels[((y0 + y) * width + x0 + x) * 3 + c] = v.isFinite ? UInt8(max(0, min(255, ((v - low) * k).rounded()))) : 0
            } } }
        }
        return try PNGImage(width: width, height: height, channels: 3, pixels: pixels)
    }
}
