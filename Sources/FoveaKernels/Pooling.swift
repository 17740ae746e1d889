// Fast 2-D max and average pooling, forward and backward, threaded over the N·C planes.
// N batch, C channels, H×W input, R×S window, P×Q output; a plane is one (n, c) image
//
// Window bounds are clipped once per output row and column (no per-tap bounds checks); 2×2
// stride-2 unpadded max pooling, the common case, has its own loop. The results, argmax included,
// are identical to the naive twins in PoolingNaive.swift: taps are visited in the same order.
// Max pooling without dilation and with column stride 1 or 2 goes, on a CPU with AVX-512, to a C
// kernel that takes the same per-tap maximum over 16 output columns at once
// (Sources/CFoveaKernels/direct_avx512.c): one for windows all inside the input (AlexNet's 3×3
// stride 2, 2×2 stride 2), one that skips the taps in the padding (GoogLeNet's padded and
// ceil-mode pools).

import CFoveaKernels

/// Max pooling. `output[n,c,p,q]` is the largest input in the window starting at
/// `(p·strideHeight − padTop, q·strideWidth − padLeft)`; padding never wins. NaN propagates as in
/// PyTorch (a NaN in the window is the result, and the argmax points at the last NaN).
///
/// - Parameters:
///   - output: `[N, C, P, Q]`, overwritten.
///   - argmax: `[N, C, P, Q]` or `nil`; receives `h·W + w` of the winner inside its (n, c) plane
///     (PyTorch's convention); ties go to the first tap in row-major window order. A window that
///     lies entirely in the padding (possible only with dilation) gives −∞ and argmax −1.
///   - input: `[N, C, H, W]`.
///   - g: a geometry whose ``Pool2DGeometry/validationFailure`` is `nil`.
public func maxPool2dForward(
    output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?,
    input: UnsafePointer<Float>, geometry g: Pool2DGeometry
) {
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth
    let windows = PoolWindows(g)
    defer { windows.deallocate() }
    let isPlain2x2 = isPlainTwoByTwo(g), useAVX512 = directAVX512Available && isUnpaddedInside(g)
    // Padded or ceil-mode pooling (GoogLeNet's) has its own AVX-512 kernel, which skips the taps
    // outside the input.
    let usePaddedAVX512 = directAVX512Available && !useAVX512 && isUndilatedNarrowStride(g) && g.kernelWidth <= 32
    forEachPlane(g) { plane in
        let x = input + plane * H * W, y = output + plane * P * Q
        let indices = argmax.map { $0 + plane * P * Q }
        if useAVX512 {
            fovea_maxpool_plane_avx512(y, indices, x, W, P, Q, g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth)
            return
        }
        if usePaddedAVX512 {
            fovea_maxpool_padded_plane_avx512(y, indices, x, H, W, P, Q, g.kernelHeight, g.kernelWidth,
                                              g.strideHeight, g.strideWidth, g.padTop, g.padLeft)
            return
        }
        if isPlain2x2 {
            maxPool2x2Plane(y: y, indices: indices, x: x, W: W, P: P, Q: Q)
            return
        }
        let rowStep = g.dilationHeight * W, columnStep = g.dilationWidth
        for p in 0..<P {
            let rowCount = windows.rowCount[p], top = windows.rowStart[p] * W
            for q in 0..<Q {
                let columnCount = windows.columnCount[q]
                var best = -Float.infinity, bestIndex = -1
                if rowCount > 0 && columnCount > 0 {
                    bestIndex = top + windows.columnStart[q]
                    var row = bestIndex
                    for _ in 0..<rowCount {
                        var index = row
                        for _ in 0..<columnCount {
                            let v = x[index]
                            if v > best || v.isNaN { best = v; bestIndex = index }
                            index &+= columnStep
                        }
                        row &+= rowStep
                    }
                }
                y[p * Q + q] = best
                indices?[p * Q + q] = Int32(truncatingIfNeeded: bestIndex)
            }
        }
    }
}

/// Gradient of max pooling: `dInput[plane][argmax[o]] += dOutput[o]` for every output `o`
/// (argmax −1, an all-padding window, sends nothing back). Accumulates (`+=`).
public func maxPool2dBackward(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
    argmax: UnsafePointer<Int32>, geometry g: Pool2DGeometry
) {
    let HW = g.inputHeight * g.inputWidth, PQ = g.outputHeight * g.outputWidth
    forEachPlane(g) { plane in
        let dx = dInput + plane * HW, dy = dOutput + plane * PQ, indices = argmax + plane * PQ
        for o in 0..<PQ {
            let index = Int(indices[o])
            if index >= 0 { dx[index] += dy[o] }
        }
    }
}

/// Average pooling with PyTorch's divisor rule. The window is clipped to the padded extent
/// (`−padTop ..< H + padBottom`, likewise for width); with `countIncludePad` the divisor is the
/// number of taps in that clipped window, otherwise the number of taps inside the input.
/// A window with no tap inside the input gives 0.
///
/// - Parameters:
///   - output: `[N, C, P, Q]`, overwritten.
///   - input: `[N, C, H, W]`.
///   - g: a geometry whose ``Pool2DGeometry/validationFailure`` is `nil`.
///   - countIncludePad: whether padding taps count in the divisor.
public func avgPool2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, geometry g: Pool2DGeometry,
    countIncludePad: Bool
) {
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth
    let windows = PoolWindows(g)
    defer { windows.deallocate() }
    let rowStep = g.dilationHeight * W, columnStep = g.dilationWidth
    let isPlain2x2 = isPlainTwoByTwo(g)
    forEachPlane(g) { plane in
        let x = input + plane * H * W, y = output + plane * P * Q
        if isPlain2x2 {
            // Same additions in the same order as the general loop, and ÷4 is exact as ×0.25.
            for p in 0..<P {
                let top = x + 2 * p * W, bottom = top + W, out = y + p * Q
                for q in 0..<Q { out[q] = (((top[2 * q] + top[2 * q + 1]) + bottom[2 * q]) + bottom[2 * q + 1]) * 0.25 }
            }
            return
        }
        for p in 0..<P {
            let rowCount = windows.rowCount[p], top = windows.rowStart[p] * W
            for q in 0..<Q {
                let columnCount = windows.columnCount[q]
                var sum: Float = 0
                var row = top + windows.columnStart[q]
                for _ in 0..<rowCount {
                    var index = row
                    for _ in 0..<columnCount { sum += x[index]; index &+= columnStep }
                    row &+= rowStep
                }
                let divisor = windows.divisor(p, q, countIncludePad: countIncludePad)
                y[p * Q + q] = divisor == 0 ? 0 : sum / Float(divisor)
            }
        }
    }
}

/// Gradient of average pooling: each output gradient, divided by its window's divisor, is added
/// to every input tap of the window. Accumulates (`+=`).
public func avgPool2dBackward(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, geometry g: Pool2DGeometry,
    countIncludePad: Bool
) {
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth
    let windows = PoolWindows(g)
    defer { windows.deallocate() }
    let rowStep = g.dilationHeight * W, columnStep = g.dilationWidth
    forEachPlane(g) { plane in
        let dx = dInput + plane * H * W, dy = dOutput + plane * P * Q
        for p in 0..<P {
            let rowCount = windows.rowCount[p], top = windows.rowStart[p] * W
            for q in 0..<Q {
                let divisor = windows.divisor(p, q, countIncludePad: countIncludePad)
                guard divisor > 0 else { continue }
                let columnCount = windows.columnCount[q]
                let share = dy[p * Q + q] / Float(divisor)
                var row = top + windows.columnStart[q]
                for _ in 0..<rowCount {
                    var index = row
                    for _ in 0..<columnCount { dx[index] += share; index &+= columnStep }
                    row &+= rowStep
                }
            }
        }
    }
}

// MARK: - Helpers

/// Every output row's window clipped to the input: its first input row `rowStart[p]` and its
/// number of taps `rowCount[p]` (0 for a window entirely in the padding); likewise for columns.
/// `rowPadded` / `columnPadded` count the taps inside the padded extent (PyTorch's divisor).
/// One allocation per call, read through raw pointers in the loops.
private struct PoolWindows {
    let rowStart, rowCount, rowPadded, columnStart, columnCount, columnPadded: UnsafeMutablePointer<Int>
    private let storage: UnsafeMutablePointer<Int>

    init(_ g: Pool2DGeometry) {
        let P = g.outputHeight, Q = g.outputWidth
        storage = .allocate(capacity: 3 * (P + Q))
        rowStart = storage; rowCount = storage + P; rowPadded = storage + 2 * P
        columnStart = storage + 3 * P; columnCount = columnStart + Q; columnPadded = columnStart + 2 * Q
        for p in 0..<P {
            let begin = p * g.strideHeight - g.padTop
            let taps = validOutputRange(offset: begin, stride: g.dilationHeight, width: g.inputHeight, outputs: g.kernelHeight)
            rowStart[p] = begin + taps.lowerBound * g.dilationHeight
            rowCount[p] = taps.count
            rowPadded[p] = validOutputRange(offset: p * g.strideHeight, stride: g.dilationHeight,
                                            width: g.inputHeight + g.padTop + g.padBottom, outputs: g.kernelHeight).count
        }
        for q in 0..<Q {
            let begin = q * g.strideWidth - g.padLeft
            let taps = validOutputRange(offset: begin, stride: g.dilationWidth, width: g.inputWidth, outputs: g.kernelWidth)
            columnStart[q] = begin + taps.lowerBound * g.dilationWidth
            columnCount[q] = taps.count
            columnPadded[q] = validOutputRange(offset: q * g.strideWidth, stride: g.dilationWidth,
                                               width: g.inputWidth + g.padLeft + g.padRight, outputs: g.kernelWidth).count
        }
    }

    func deallocate() { storage.deallocate() }

    @inline(__always)
    func divisor(_ p: Int, _ q: Int, countIncludePad: Bool) -> Int {
        if rowCount[p] == 0 || columnCount[q] == 0 { return 0 }
        return countIncludePad ? rowPadded[p] * columnPadded[q] : rowCount[p] * columnCount[q]
    }
}

/// 2×2 windows, stride 2, no dilation, every window inside the input (so no clipping and a
/// divisor of 4 under either counting rule).
private func isPlainTwoByTwo(_ g: Pool2DGeometry) -> Bool {
    g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2
        && g.dilationHeight == 1 && g.dilationWidth == 1 && g.padTop == 0 && g.padLeft == 0
        && 2 * g.outputHeight <= g.inputHeight && 2 * g.outputWidth <= g.inputWidth
}

/// No padding or dilation, column stride 1 or 2, and every window inside the input: the windows
/// the AVX-512 max-pooling kernel handles (it never clips).
private func isUnpaddedInside(_ g: Pool2DGeometry) -> Bool {
    isUndilatedNarrowStride(g) && g.padTop == 0 && g.padLeft == 0 && g.outputHeight > 0 && g.outputWidth > 0
        && (g.outputHeight - 1) * g.strideHeight + g.kernelHeight <= g.inputHeight
        && (g.outputWidth - 1) * g.strideWidth + g.kernelWidth <= g.inputWidth
}

/// No dilation and column stride 1 or 2: the AVX-512 kernels' geometries.
private func isUndilatedNarrowStride(_ g: Pool2DGeometry) -> Bool {
    (g.strideWidth == 1 || g.strideWidth == 2) && g.dilationHeight == 1 && g.dilationWidth == 1
}

/// Runs `body(plane)` for every (n, c) plane, planes split across threads.
private func forEachPlane(_ g: Pool2DGeometry, _ body: (Int) -> Void) {
    let planeSize = max(1, g.inputHeight * g.inputWidth)
    Parallel.forRanges(g.batch * g.channels, grain: max(1, (1 << 15) / planeSize)) { planes in
        for plane in planes { body(plane) }
    }
}

/// 2×2 windows, stride 2, no padding, every window inside the input.
@inline(__always)
private func maxPool2x2Plane(
    y: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>?, x: UnsafePointer<Float>,
    W: Int, P: Int, Q: Int
) {
    for p in 0..<P {
        let top = x + 2 * p * W, bottom = top + W
        let out = y + p * Q
        if let indices {
            let base = 2 * p * W
            for q in 0..<Q {
                var best = top[2 * q], index = base + 2 * q
                if top[2 * q + 1] > best || top[2 * q + 1].isNaN { best = top[2 * q + 1]; index = base + 2 * q + 1 }
                if bottom[2 * q] > best || bottom[2 * q].isNaN { best = bottom[2 * q]; index = base + W + 2 * q }
                if bottom[2 * q + 1] > best || bottom[2 * q + 1].isNaN { best = bottom[2 * q + 1]; index = base + W + 2 * q + 1 }
                out[q] = best
                indices[p * Q + q] = Int32(truncatingIfNeeded: index)
            }
        } else {
            for q in 0..<Q {
                var best = top[2 * q]
                if top[2 * q + 1] > best || top[2 * q + 1].isNaN { best = top[2 * q + 1] }
                if bottom[2 * q] > best || bottom[2 * q].isNaN { best = bottom[2 * q] }
                if bottom[2 * q + 1] > best || bottom[2 * q + 1].isNaN { best = bottom[2 * q + 1] }
                out[q] = best
            }
        }
    }
}
