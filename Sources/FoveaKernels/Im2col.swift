// im2col and its adjoint col2im: the bridge that turns a convolution of one image into a GEMM.
// C input channels, H×W image, R×S kernel, P×Q output; columns are [C·R·S, P·Q], rows ordered (c, r, s)

import CFoveaKernels

/// Unfolds one image `[C, H, W]` into its column matrix `[C·R·S, P·Q]`.
///
/// Row `(c·R + r)·S + s`, column `p·Q + q` holds `image[c, h, w]` with
/// `h = p·strideHeight − padTop + r·dilationHeight` and `w = q·strideWidth − padLeft + s·dilationWidth`,
/// or 0 where `(h, w)` falls in the padding. For `groups > 1` the rows are still all `C·R·S`; the
/// rows of group `g` are the contiguous block starting at `g·(C/groups)·R·S`.
/// Overwrites `columns`. Uses up to `Parallel.availableThreads` threads for large images.
public func im2col(columns: UnsafeMutablePointer<Float>, image: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
    let rows = g.columnRows, pq = g.outputHeight * g.outputWidth
    Parallel.forRanges(rows, grain: max(1, (1 << 15) / max(1, pq))) { range in
        for row in range { im2colRow(columns: columns + row * pq, image: image, row: row, geometry: g) }
    }
}

/// Folds a column matrix `[C·R·S, P·Q]` back onto one image `[C, H, W]`, adding every entry to
/// the pixel it was copied from (entries that came from padding are dropped). The adjoint of
/// ``im2col(columns:image:geometry:)``. Accumulates (`+=`) into `image`.
public func col2im(image: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
    let rs = g.kernelHeight * g.kernelWidth, pq = g.outputHeight * g.outputWidth
    let H = g.inputHeight, W = g.inputWidth
    // Rows of different channels touch different image planes, so channels split across threads.
    Parallel.forRanges(g.inputChannels, grain: max(1, (1 << 15) / max(1, rs * pq))) { channels in
        if g.strideHeight == 1 && g.strideWidth == 1 && directAVX512Available {
            // 16 pixels per register (LeNet-5's second layer spent 13 % of a training step in the
            // scalar loop).
            for c in channels {
                fovea_col2im_channel_avx512(image + c * H * W, columns + c * rs * pq, H, W, g.outputHeight, g.outputWidth,
                                            g.kernelHeight, g.kernelWidth, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth)
            }
            return
        }
        for row in (channels.lowerBound * rs)..<(channels.upperBound * rs) {
            col2imRow(image: image, columns: columns + row * pq, row: row, geometry: g)
        }
    }
}

/// The output columns `q` whose input column `q·stride + offset` lies in `0..<width`.
@inline(__always)
func validOutputRange(offset: Int, stride: Int, width: Int, outputs: Int) -> Range<Int> {
    let low = min(outputs, offset >= 0 ? 0 : (-offset + stride - 1) / stride)
    let last = width - 1 - offset
    let high = last < 0 ? 0 : min(outputs, last / stride + 1)
    return low..<max(low, high)
}

@inline(__always)
private func im2colRow(columns: UnsafeMutablePointer<Float>, image: UnsafePointer<Float>, row: Int, geometry g: Conv2DGeometry) {
    let S = g.kernelWidth, R = g.kernelHeight
    let s = row % S, r = (row / S) % R, c = row / (R * S)
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth
    let sh = g.strideHeight, sw = g.strideWidth
    let wOffset = s * g.dilationWidth - g.padLeft
    let qs = validOutputRange(offset: wOffset, stride: sw, width: W, outputs: Q)
    let plane = image + c * H * W
    for p in 0..<P {
        let out = columns + p * Q
        let h = p * sh - g.padTop + r * g.dilationHeight
        if h < 0 || h >= H {
            out.update(repeating: 0, count: Q)
            continue
        }
        let src = plane + h * W
        if qs.lowerBound > 0 { out.update(repeating: 0, count: qs.lowerBound) }
        if sw == 1 {
            if !qs.isEmpty { (out + qs.lowerBound).update(from: src + qs.lowerBound + wOffset, count: qs.count) }
        } else {
            for q in qs { out[q] = src[q * sw + wOffset] }
        }
        if qs.upperBound < Q { (out + qs.upperBound).update(repeating: 0, count: Q - qs.upperBound) }
    }
}

@inline(__always)
private func col2imRow(image: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, row: Int, geometry g: Conv2DGeometry) {
    let S = g.kernelWidth, R = g.kernelHeight
    let s = row % S, r = (row / S) % R, c = row / (R * S)
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth
    let sh = g.strideHeight, sw = g.strideWidth
    let wOffset = s * g.dilationWidth - g.padLeft
    let qs = validOutputRange(offset: wOffset, stride: sw, width: W, outputs: Q)
    let plane = image + c * H * W
    for p in 0..<P {
        let h = p * sh - g.padTop + r * g.dilationHeight
        if h < 0 || h >= H { continue }
        let dst = plane + h * W
        let src = columns + p * Q
        if sw == 1 {
            for q in qs { dst[q + wOffset] += src[q] }
        } else {
            for q in qs { dst[q * sw + wOffset] += src[q] }
        }
    }
}
