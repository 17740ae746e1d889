// The direct kernels for few-tap layers (Conv2DDirect.swift), reached through conv2dForward and
// conv2dBackward, against the naive convolution.

import FoveaKernels
import Testing

/// C·R·S ≤ 64, stride 1: LeNet's first layer (one 32-column block, 4 blocks of 8 channels), LeNet-5's
/// (6 channels: a partial block), RGB 3×3 with dilation and asymmetric padding, rows wider than
/// 32 columns (two column blocks), a map narrower than the kernel's reach, and a 1-wide kernel.
private let directGeometries: [Conv2DGeometry] = [
    Conv2DGeometry(batch: 3, inputChannels: 1, inputHeight: 28, inputWidth: 28, outputChannels: 32,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 1, inputHeight: 12, inputWidth: 12, outputChannels: 6,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 15, inputWidth: 13, outputChannels: 10,
                   kernelHeight: 3, kernelWidth: 3, dilationHeight: 2, dilationWidth: 2,
                   padTop: 3, padBottom: 1, padLeft: 0, padRight: 2),
    Conv2DGeometry(batch: 1, inputChannels: 2, inputHeight: 6, inputWidth: 70, outputChannels: 9,
                   kernelHeight: 3, kernelWidth: 5, padTop: 1, padBottom: 1, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 4, inputHeight: 5, inputWidth: 3, outputChannels: 17,
                   kernelHeight: 3, kernelWidth: 3, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 7, inputHeight: 9, inputWidth: 9, outputChannels: 8,
                   kernelHeight: 9, kernelWidth: 1, padTop: 4, padBottom: 4),
]

@Suite struct DirectConvTests {
    @Test(arguments: directGeometries)
    func forwardMatchesTheNaiveConvolution(_ g: Conv2DGeometry) {
        #expect(g.validationFailure == nil, "\(g)")
        var random = TestRandom(seed: 51)
        let x = random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth)
        let w = random.floats(g.weightCount), b = random.floats(g.outputChannels)
        let count = g.batch * g.outputChannels * g.outputHeight * g.outputWidth
        var y = [Float](repeating: .nan, count: count), naive = y
        for threads in [1, 2] {
            withThreads(threads) {
                y.withUnsafeMutableBufferPointer { conv2dForward(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
            }
            naive.withUnsafeMutableBufferPointer { conv2dForwardNaive(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
            expectClose(y, naive, tolerance: 2e-5, "\(g) on \(threads) threads")
        }
    }

    /// The weight and bias gradients (with and without the bias, with and without the input
    /// gradient, accumulating into random starts) on one and two threads: the same values as the
    /// naive kernels, and the same bits on both thread counts. Sums of up to 2,352 products, so
    /// the tolerance is the implicit GEMM tests' (relative to 1 + |value|).
    @Test(arguments: directGeometries)
    func weightAndBiasGradientsMatchTheNaiveOnes(_ g: Conv2DGeometry) {
        var random = TestRandom(seed: 52)
        let x = random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth)
        let w = random.floats(g.weightCount)
        let dy = random.floats(g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
        let startX = random.floats(x.count), startW = random.floats(w.count), startB = random.floats(g.outputChannels)
        var dwNaive = startW, dbNaive = startB, dxNaive = startX
        conv2dBackwardNaive(dInput: &dxNaive, dWeight: &dwNaive, dBias: &dbNaive, dOutput: dy, input: x, weight: w, geometry: g)
        var previous: [Float]?
        for threads in [1, 2] {
            var dw = startW, db = startB, dx = startX
            withThreads(threads) {
                conv2dBackward(dInput: &dx, dWeight: &dw, dBias: &db, dOutput: dy, input: x, weight: w, geometry: g)
            }
            expectClose(dw, dwNaive, tolerance: 5e-5, "weight gradient \(g) on \(threads) threads")
            expectClose(db, dbNaive, tolerance: 5e-5, "bias gradient \(g) on \(threads) threads")
            expectClose(dx, dxNaive, tolerance: 5e-5, "input gradient \(g) on \(threads) threads")
            if let previous { #expect(previous == dw + db, "\(g): the thread count changed the sums") }
            previous = dw + db
            var dwOnly = startW
            withThreads(threads) {
                conv2dBackward(dInput: nil, dWeight: &dwOnly, dBias: nil, dOutput: dy, input: x, weight: w, geometry: g)
            }
            expectClose(dwOnly, dwNaive, tolerance: 5e-5, "weight gradient alone \(g) on \(threads) threads")
        }
    }
}
