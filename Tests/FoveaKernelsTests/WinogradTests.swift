// Winograd F(2×2, 3×3) and F(2×2, 5×5) against the direct definition: forward (overwrite and
// accumulate), the input gradient, and the routing of conv2dForward/conv2dBackward through it.

import FoveaKernels
import Testing

/// 3×3 stride-1 geometries: odd and even maps (partial tiles), padding 0, 1, 2 and asymmetric,
/// channel counts that are not multiples of the micro-kernel's 14 × 32 block, more than 512
/// input channels (two depth blocks), and enough tiles for several blocks and both threads.
/// The 5×5 ones the same with padding 0 … 4 (a map smaller than the kernel included), and
/// LeNet's second layer.
private let winogradGeometries: [Conv2DGeometry] = [
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 7, inputWidth: 9, outputChannels: 5,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Conv2DGeometry(batch: 3, inputChannels: 17, inputHeight: 6, inputWidth: 5, outputChannels: 33,
                   kernelHeight: 3, kernelWidth: 3),
    Conv2DGeometry(batch: 1, inputChannels: 16, inputHeight: 13, inputWidth: 13, outputChannels: 20,
                   kernelHeight: 3, kernelWidth: 3, padTop: 2, padBottom: 0, padLeft: 1, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 520, inputHeight: 5, inputWidth: 6, outputChannels: 30,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Conv2DGeometry(batch: 5, inputChannels: 24, inputHeight: 30, inputWidth: 29, outputChannels: 40,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 9, inputWidth: 8, outputChannels: 5,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 3, inputChannels: 17, inputHeight: 7, inputWidth: 10, outputChannels: 33,
                   kernelHeight: 5, kernelWidth: 5),
    Conv2DGeometry(batch: 1, inputChannels: 16, inputHeight: 3, inputWidth: 4, outputChannels: 20,
                   kernelHeight: 5, kernelWidth: 5, padTop: 4, padBottom: 0, padLeft: 1, padRight: 3),
    Conv2DGeometry(batch: 2, inputChannels: 520, inputHeight: 5, inputWidth: 6, outputChannels: 30,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 4, inputChannels: 32, inputHeight: 14, inputWidth: 14, outputChannels: 64,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
]

/// The worst error of a float32 forward result relative to the sum of the magnitudes of its
/// terms, Σ |w·x| + |b| + |start|, against a float64 evaluation: a summation's error bound is a few
/// units of 2⁻²⁴ times that sum, whatever the cancellation (the 1 + |value| comparisons of the
/// other tests would call a 4,680-term Winograd sum wrong for rounding of the size the direct sum
/// also makes).
private func errorAgainstExactSum(_ g: Conv2DGeometry, accumulate: Bool, seed: UInt64) -> Double {
    var random = TestRandom(seed: seed)
    let x = random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth)
    let w = random.floats(g.weightCount), b = random.floats(g.outputChannels)
    let start = random.floats(g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
    var fast = accumulate ? start : [Float](repeating: .nan, count: start.count)
    fast.withUnsafeMutableBufferPointer { conv2dForwardWinograd(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g, accumulate: accumulate) }
    let C = g.inputChannels, H = g.inputHeight, W = g.inputWidth, K = g.outputChannels
    let P = g.outputHeight, Q = g.outputWidth, R = g.kernelHeight
    var worst = 0.0
    for n in 0..<g.batch { for k in 0..<K { for p in 0..<P { for q in 0..<Q {
        let o = ((n * K + k) * P + p) * Q + q
        var exact = Double(b[k]) + (accumulate ? Double(start[o]) : 0)
        var magnitude = abs(Double(b[k])) + (accumulate ? abs(Double(start[o])) : 0)
        for c in 0..<C { for r in 0..<R { for s in 0..<R {
            let h = p - g.padTop + r, x0 = q - g.padLeft + s
            guard h >= 0, h < H, x0 >= 0, x0 < W else { continue }
            let term = Double(w[((k * C + c) * R + r) * R + s]) * Double(x[((n * C + c) * H + h) * W + x0])
            exact += term
            magnitude += abs(term)
        } } }
        worst = max(worst, abs(Double(fast[o]) - exact) / max(magnitude, .leastNormalMagnitude))
    } } } }
    return worst
}

/// The weight gradient's worst error against a float64 sum, relative to Σ |δ·x| + |start| (as
/// above), accumulating into a random start.
private func weightGradientErrorAgainstExactSum(_ g: Conv2DGeometry, seed: UInt64) -> Double {
    var random = TestRandom(seed: seed)
    let x = random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth)
    let dy = random.floats(g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
    let start = random.floats(g.weightCount)
    var dw = start
    dw.withUnsafeMutableBufferPointer { conv2dBackwardWeightWinograd(dWeight: $0.baseAddress!, dOutput: dy, input: x, geometry: g) }
    let C = g.inputChannels, H = g.inputHeight, W = g.inputWidth, K = g.outputChannels
    let P = g.outputHeight, Q = g.outputWidth, R = g.kernelHeight
    var worst = 0.0
    for k in 0..<K { for c in 0..<C { for r in 0..<R { for s in 0..<R {
        let o = ((k * C + c) * R + r) * R + s
        var exact = Double(start[o]), magnitude = abs(Double(start[o]))
        for n in 0..<g.batch { for p in 0..<P { for q in 0..<Q {
            let h = p - g.padTop + r, x0 = q - g.padLeft + s
            guard h >= 0, h < H, x0 >= 0, x0 < W else { continue }
            let term = Double(dy[((n * K + k) * P + p) * Q + q]) * Double(x[((n * C + c) * H + h) * W + x0])
            exact += term
            magnitude += abs(term)
        } } }
        worst = max(worst, abs(Double(dw[o]) - exact) / max(magnitude, .leastNormalMagnitude))
    } } } }
    return worst
}

/// Measured on these geometries, forward: 3×3 0.5–2.1·10⁻⁷ of the magnitude sum, the same range
/// as the naive direct float32 sum's 1.1–2.6·10⁻⁷; 5×5 3.5–9.5·10⁻⁷ (F(2×2, 5×5)'s transforms scale
/// by up to 5 and 1/24). Weight gradient (F(2×2, 3×3), a 5×5 kernel as four 3×3 ones): 3×3
/// 0.5–2.1·10⁻⁷, 5×5 0.8–3.6·10⁻⁷. The bound leaves room for other CPUs, not for a wrong term.
private let winogradErrorBound = 2e-6

@Suite(.serialized) struct WinogradTests {
    /// On both thread counts, and with the portable micro-kernel and transforms.
    @Test(arguments: winogradGeometries)
    func forwardMatchesTheDirectSum(_ g: Conv2DGeometry) {
        #expect(g.isWinogradEligible)
        for (threads, kernel) in [(1, GEMMKernel.automatic), (2, .automatic), (2, .portable)] {
            let error = withThreads(threads) { GEMMKernel.withOverride(kernel) { errorAgainstExactSum(g, accumulate: false, seed: 7) } }
            #expect(error <= winogradErrorBound, "\(g) on \(threads) threads, \(kernel): \(error)")
        }
    }

    /// 3×3 and 5×5 (four 3×3 sub-kernels) elementwise within the forward bound. Thread counts
    /// and kernels as above.
    @Test(arguments: winogradGeometries)
    func weightGradientMatchesTheExactSum(_ g: Conv2DGeometry) {
        for (threads, kernel) in [(1, GEMMKernel.automatic), (2, .automatic), (2, .portable)] {
            let error = withThreads(threads) { GEMMKernel.withOverride(kernel) { weightGradientErrorAgainstExactSum(g, seed: 11) } }
            #expect(error <= winogradErrorBound, "\(g) on \(threads) threads, \(kernel): \(error)")
        }
    }

    @Test(arguments: winogradGeometries)
    func accumulatingForwardAddsToTheOutput(_ g: Conv2DGeometry) {
        let error = errorAgainstExactSum(g, accumulate: true, seed: 8)
        #expect(error <= winogradErrorBound, "\(g): \(error)")
    }

    @Test func resultsDoNotDependOnTheThreadCount() {
        let g = winogradGeometries[4]
        var random = TestRandom(seed: 9)
        let x = random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth)
        let w = random.floats(g.weightCount), b = random.floats(g.outputChannels)
        let count = g.batch * g.outputChannels * g.outputHeight * g.outputWidth
        let results = [1, 2].map { threads in
            withThreads(threads) {
                var y = [Float](repeating: 0, count: count)
                y.withUnsafeMutableBufferPointer { conv2dForwardWinograd(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
                return y
            }
        }
        #expect(results[0] == results[1])
    }

    /// conv2dForward / conv2dBackward route large-enough 3×3 and 5×5 layers here; both must still
    /// agree with the naive kernels whichever path they took.
    @Test(arguments: [
        Conv2DGeometry(batch: 3, inputChannels: 32, inputHeight: 11, inputWidth: 12, outputChannels: 48,
                       kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 0, padRight: 2),
        Conv2DGeometry(batch: 3, inputChannels: 32, inputHeight: 11, inputWidth: 12, outputChannels: 48,
                       kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 3, padLeft: 1, padRight: 2),
    ])
    func routedConvolutionAndInputGradientMatchTheNaiveOnes(_ g: Conv2DGeometry) {
        // Relative to 1 + |value| of sums of up to 800 terms: F(2×2, 5×5)'s few ulps of the
        // magnitude sum (see the exact-sum tests) come to about 6·10⁻⁵ here.
        let tolerance: Float = g.kernelHeight == 3 ? 2e-5 : 2e-4
        var random = TestRandom(seed: 10)
        let x = random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth)
        let w = random.floats(g.weightCount), b = random.floats(g.outputChannels)
        let dy = random.floats(g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
        let startX = random.floats(x.count), startW = random.floats(w.count)
        expectRoutedConvolutionMatchesNaive(g, x: x, w: w, b: b, dy: dy, startX: startX, startW: startW, tolerance: tolerance)
    }

    @Test func ineligibleGeometriesAreRefused() {
        let strided = Conv2DGeometry(batch: 1, inputChannels: 16, inputHeight: 8, inputWidth: 8, outputChannels: 16,
                                     kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2)
        let sevenBySeven = Conv2DGeometry(batch: 1, inputChannels: 16, inputHeight: 8, inputWidth: 8, outputChannels: 16,
                                          kernelHeight: 7, kernelWidth: 7)
        let fiveByThree = Conv2DGeometry(batch: 1, inputChannels: 16, inputHeight: 8, inputWidth: 8, outputChannels: 16,
                                         kernelHeight: 5, kernelWidth: 3)
        let fiveByFiveWidePadding = Conv2DGeometry(batch: 1, inputChannels: 16, inputHeight: 8, inputWidth: 8, outputChannels: 16,
                                                   kernelHeight: 5, kernelWidth: 5, padTop: 5, padBottom: 0, padLeft: 0, padRight: 0)
        let widePadding = Conv2DGeometry(batch: 1, inputChannels: 16, inputHeight: 8, inputWidth: 8, outputChannels: 16,
                                         kernelHeight: 3, kernelWidth: 3, padTop: 3, padBottom: 3, padLeft: 3, padRight: 3)
        for g in [strided, sevenBySeven, fiveByThree, widePadding, fiveByFiveWidePadding] {
            #expect(!g.isWinogradEligible, "\(g)")
        }
    }
}
