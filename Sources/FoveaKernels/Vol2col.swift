// vol2col and col2vol: im2col for volumes (NCDHW), the bridge from a 3-D convolution to a GEMM.
// C channels, D×H×W volume, T×R×S kernel, O×P×Q output; columns [C·T·R·S, O·P·Q], rows ordered (c, t, r, s)

/// Unfolds one volume `[C, D, H, W]` (or a lower-rank image seen as one) into its column matrix
/// `[C·∏kernel, ∏output]`; 0 where a tap falls in the padding. Overwrites `columns`.
public func vol2col(columns: UnsafeMutablePointer<Float>, image: UnsafePointer<Float>, geometry g: ConvNDGeometry) {
    let v = g.volume
    let taps = v.kernel.reduce(1, *), outputs = v.output.reduce(1, *)
    Parallel.forRanges(g.inputChannels * taps, grain: max(1, (1 << 15) / max(1, outputs))) { rows in
        for row in rows {
            forEachTap(row: row, geometry: g) { o, inputIndex in
                columns[row * outputs + o] = inputIndex.map { image[$0] } ?? 0
            }
        }
    }
}

/// Adds a column matrix back onto the volume it came from (the adjoint of ``vol2col``).
/// Accumulates (`+=`) into `image`; entries that came from padding are dropped.
public func col2vol(image: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, geometry g: ConvNDGeometry) {
    let v = g.volume
    let taps = v.kernel.reduce(1, *), outputs = v.output.reduce(1, *)
    // Different channels touch different planes of the volume, so channels split across threads.
    Parallel.forRanges(g.inputChannels, grain: max(1, (1 << 15) / max(1, taps * outputs))) { channels in
        for row in (channels.lowerBound * taps)..<(channels.upperBound * taps) {
            forEachTap(row: row, geometry: g) { o, inputIndex in
                if let i = inputIndex { image[i] += columns[row * outputs + o] }
            }
        }
    }
}

/// Calls `body(outputIndex, inputIndex)` for every output position of column-matrix row `row`,
/// with the flat input index it reads, or nil where it reads padding.
@inline(__always)
private func forEachTap(row: Int, geometry g: ConvNDGeometry, _ body: (Int, Int?) -> Void) {
    let v = g.volume
    let (T, R, S) = (v.kernel[0], v.kernel[1], v.kernel[2])
    let (D, H, W) = (v.input[0], v.input[1], v.input[2])
    let (O, P, Q) = (v.output[0], v.output[1], v.output[2])
    let s = row % S, r = (row / S) % R, t = (row / (S * R)) % T, c = row / (S * R * T)
    var o = 0
    for od in 0..<O {
        let d = od * v.stride[0] - v.padBefore[0] + t * v.dilation[0]
        for op in 0..<P {
            let h = op * v.stride[1] - v.padBefore[1] + r * v.dilation[1]
            for oq in 0..<Q {
                let w = oq * v.stride[2] - v.padBefore[2] + s * v.dilation[2]
                let inside = d >= 0 && d < D && h >= 0 && h < H && w >= 0 && w < W
                body(o, inside ? ((c * D + d) * H + h) * W + w : nil)
                o += 1
            }
        }
    }
}
