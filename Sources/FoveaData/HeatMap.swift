// Heat maps: a matrix of numbers as a picture of coloured squares (a confusion matrix, for example),
// white for 0 through blue to dark navy for 1.

extension PNGImage {
    /// A colour picture of `values` (rows × columns, each in 0…1; clamped), one `cellSize`-pixel
    /// square per entry with a 1-pixel grey grid; entries on the diagonal get a thin dark frame when
    /// `markDiagonal` is set.
    /// - Throws: ``DataError/invalidArgument(name:value:reason:)`` for an empty or ragged matrix or `cellSize` < 2.
    public static func heatMap(_ values: [[Double]], cellSize: Int = 24, markDiagonal: Bool = true) throws -> PNGImage {
        let rows = values.count, columns = values.first?.count ?? 0
        guard rows > 0, columns > 0, values.allSatisfy({ $0.count == columns }), cellSize >= 2 else {
            throw DataError.invalidArgument(name: "heat map", value: "\(rows) rows", reason: "needs a non-empty rectangular matrix and a cell size ≥ 2")
        }
        let step = cellSize + 1, width = columns * step + 1, height = rows * step + 1
        var pixels = [UInt8](repeating: 160, count: width * height * 3)
        for r in 0..<rows { for c in 0..<columns {
            let colour = heatColour(values[r][c])
            for y in 0..<cellSize { for x in 0..<cellSize {
                let frame = markDiagonal && r == c && (x == 0 || y == 0 || x == cellSize - 1 || y == cellSize - 1)
                let o = ((r * step + 1 + y) * width + c * step + 1 + x) * 3
                let pixel = frame ? (UInt8(200), UInt8(60), UInt8(30)) : colour
                (pixels[o], pixels[o + 1], pixels[o + 2]) = pixel
            } }
        } }
        return try PNGImage(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// White (0) → blue (0.5) → navy (1), linear in each half.
    static func heatColour(_ value: Double) -> (UInt8, UInt8, UInt8) {
        let v = value.isFinite ? min(max(value, 0), 1) : 0
        func mix(_ a: Double, _ b: Double, _ t: Double) -> UInt8 { UInt8((a + (b - a) * t).rounded()) }
        if v < 0.5 { let t = v * 2; return (mix(255, 66, t), mix(255, 133, t), mix(255, 244, t)) }
        let t = (v - 0.5) * 2
        return (mix(66, 8, t), mix(133, 29, t), mix(244, 88, t))
    }
}
