// Reference 2-D max and average pooling: per-tap definitions, single-threaded.
// N batch, C channels, H×W input, R×S window, P×Q output; a plane is one (n, c) image
// These are the specification the fast kernels in Pooling.swift are tested against.

/// Reference twin of ``maxPool2dForward(output:argmax:input:geometry:)``: visits every tap of
/// every window in row-major order, skipping taps in the padding, and keeps a tap when it is
/// greater than the best so far or NaN (PyTorch's rule).
public func maxPool2dForwardNaive(
    output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?,
    input: UnsafePointer<Float>, geometry g: Pool2DGeometry
) {
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth
    for plane in 0..<(g.batch * g.channels) {
        for p in 0..<P {
            for q in 0..<Q {
                var best = -Float.infinity, bestIndex = -1
                for i in 0..<g.kernelHeight {
                    for j in 0..<g.kernelWidth {
                        let h = p * g.strideHeight - g.padTop + i * g.dilationHeight
                        let w = q * g.strideWidth - g.padLeft + j * g.dilationWidth
                        guard h >= 0, h < H, w >= 0, w < W else { continue }
                        let v = input[plane * H * W + h * W + w]
                        if bestIndex < 0 || v > best || v.isNaN { best = v; bestIndex = h * W + w }
                    }
                }
                let o = (plane * P + p) * Q + q
                output[o] = best
                argmax?[o] = Int32(truncatingIfNeeded: bestIndex)
            }
        }
    }
}

/// Reference twin of ``maxPool2dBackward(dInput:dOutput:argmax:geometry:)``. Accumulates (`+=`).
public func maxPool2dBackwardNaive(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
    argmax: UnsafePointer<Int32>, geometry g: Pool2DGeometry
) {
    let HW = g.inputHeight * g.inputWidth, PQ = g.outputHeight * g.outputWidth
    for plane in 0..<(g.batch * g.channels) {
        for o in 0..<PQ where argmax[plane * PQ + o] >= 0 {
            dInput[plane * HW + Int(argmax[plane * PQ + o])] += dOutput[plane * PQ + o]
        }
    }
}

/// Reference twin of ``avgPool2dForward(output:input:geometry:countIncludePad:)``: sums the taps
/// inside the input and divides by the taps counted under PyTorch's rule.
public func avgPool2dForwardNaive(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, geometry g: Pool2DGeometry,
    countIncludePad: Bool
) {
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth
    for plane in 0..<(g.batch * g.channels) {
        for p in 0..<P {
            for q in 0..<Q {
                var sum: Float = 0
                let divisor = naiveAvgDivisor(p, q, g, countIncludePad: countIncludePad)
                for i in 0..<g.kernelHeight {
                    for j in 0..<g.kernelWidth {
                        let h = p * g.strideHeight - g.padTop + i * g.dilationHeight
                        let w = q * g.strideWidth - g.padLeft + j * g.dilationWidth
                        guard h >= 0, h < H, w >= 0, w < W else { continue }
                        sum += input[plane * H * W + h * W + w]
                    }
                }
                output[(plane * P + p) * Q + q] = divisor == 0 ? 0 : sum / Float(divisor)
            }
        }
    }
}

/// Reference twin of ``avgPool2dBackward(dInput:dOutput:geometry:countIncludePad:)``.
/// Accumulates (`+=`).
public func avgPool2dBackwardNaive(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, geometry g: Pool2DGeometry,
    countIncludePad: Bool
) {
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth
    for plane in 0..<(g.batch * g.channels) {
        for p in 0..<P {
            for q in 0..<Q {
                let divisor = naiveAvgDivisor(p, q, g, countIncludePad: countIncludePad)
                guard divisor > 0 else { continue }
                let share = dOutput[(plane * P + p) * Q + q] / Float(divisor)
                for i in 0..<g.kernelHeight {
                    for j in 0..<g.kernelWidth {
                        let h = p * g.strideHeight - g.padTop + i * g.dilationHeight
                        let w = q * g.strideWidth - g.padLeft + j * g.dilationWidth
                        guard h >= 0, h < H, w >= 0, w < W else { continue }
                        dInput[plane * H * W + h * W + w] += share
                    }
                }
            }
        }
    }
}

/// PyTorch's average-pooling divisor, tap by tap: 0 when no tap is inside the input; otherwise
/// the taps inside the padded extent (countIncludePad) or inside the input.
private func naiveAvgDivisor(_ p: Int, _ q: Int, _ g: Pool2DGeometry, countIncludePad: Bool) -> Int {
    var inside = 0, padded = 0
    for i in 0..<g.kernelHeight {
        for j in 0..<g.kernelWidth {
            let h = p * g.strideHeight - g.padTop + i * g.dilationHeight
            let w = q * g.strideWidth - g.padLeft + j * g.dilationWidth
            if h < g.inputHeight + g.padBottom && w < g.inputWidth + g.padRight { padded += 1 }
            if h >= 0 && h < g.inputHeight && w >= 0 && w < g.inputWidth { inside += 1 }
        }
    }
    if inside == 0 { return 0 }
    return countIncludePad ? padded : inside
}
