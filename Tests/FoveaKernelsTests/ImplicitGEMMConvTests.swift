// The position-major implicit-GEMM convolution against the naive one: forward (overwrite and
// accumulate), thread independence, and the routing of conv2dForward/conv2dBackward through it.

import FoveaKernels
import Testing

/// Geometries that exercise the packer's cases: a panel inside one output row (LeNet's second
/// layer, Q = 14), panels spread over two or three rows (Q = 9, 5) and many one-lane segments
/// (Q = 1), rows wider than a vector (Q = 20), asymmetric and zero padding, dilation, strides
/// (gathered or windowed panels), channel counts that are not multiples of the 14 × 32 block, a single input
/// channel.
private let implicitGeometries: [Conv2DGeometry] = [
    // LeNet's second layer with 12 input channels (with 16 or more it is Winograd's)
    Conv2DGeometry(batch: 2, inputChannels: 12, inputHeight: 14, inputWidth: 14, outputChannels: 64,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 3, inputChannels: 5, inputHeight: 9, inputWidth: 9, outputChannels: 40,
                   kernelHeight: 3, kernelWidth: 3, padTop: 2, padBottom: 0, padLeft: 1, padRight: 2),
    Conv2DGeometry(batch: 1, inputChannels: 7, inputHeight: 7, inputWidth: 5, outputChannels: 33,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 12, inputWidth: 1, outputChannels: 17,
                   kernelHeight: 5, kernelWidth: 1, padTop: 2, padBottom: 2),
    Conv2DGeometry(batch: 2, inputChannels: 6, inputHeight: 11, inputWidth: 20, outputChannels: 32,
                   kernelHeight: 3, kernelWidth: 5, padTop: 1, padBottom: 1, padLeft: 0, padRight: 4),
    Conv2DGeometry(batch: 2, inputChannels: 4, inputHeight: 15, inputWidth: 16, outputChannels: 20,
                   kernelHeight: 3, kernelWidth: 3, dilationHeight: 2, dilationWidth: 3,
                   padTop: 2, padBottom: 2, padLeft: 3, padRight: 3),
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 23, inputWidth: 23, outputChannels: 24,
                   kernelHeight: 5, kernelWidth: 5, strideHeight: 2, strideWidth: 3,
                   padTop: 2, padBottom: 1, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 3, inputChannels: 1, inputHeight: 10, inputWidth: 10, outputChannels: 3,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 8, inputHeight: 30, inputWidth: 30, outputChannels: 20,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Conv2DGeometry(batch: 3, inputChannels: 8, inputHeight: 11, inputWidth: 11, outputChannels: 16,
                   kernelHeight: 5, kernelWidth: 5, strideHeight: 2, strideWidth: 2,
                   padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    // strided panels inside one output row, cut out of a 64-column window by permutes: AlexNet's
    // 11×11 stride 4 (15 outputs per row) and a 3×3 stride 2 with 20 outputs per row
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 63, inputWidth: 63, outputChannels: 40,
                   kernelHeight: 11, kernelWidth: 11, strideHeight: 4, strideWidth: 4,
                   padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 1, inputChannels: 5, inputHeight: 9, inputWidth: 40, outputChannels: 20,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2,
                   padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    // row panels read straight from a zero-padded copy (unit stride, rows of 26 and 24 outputs:
    // a full and a partial panel each), asymmetric padding and dilation
    Conv2DGeometry(batch: 2, inputChannels: 6, inputHeight: 13, inputWidth: 27, outputChannels: 40,
                   kernelHeight: 3, kernelWidth: 5, padTop: 1, padBottom: 0, padLeft: 2, padRight: 1),
    Conv2DGeometry(batch: 1, inputChannels: 3, inputHeight: 10, inputWidth: 24, outputChannels: 33,
                   kernelHeight: 3, kernelWidth: 3, dilationHeight: 2, dilationWidth: 2,
                   padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    // a 1 × 1 layer on 14-wide rows (routed here by conv2dForward: 64 input channels)
    Conv2DGeometry(batch: 2, inputChannels: 64, inputHeight: 5, inputWidth: 14, outputChannels: 40,
                   kernelHeight: 1, kernelWidth: 1),
    // 576 taps × 100 channels: the weights' B panels packed on two threads (3 full + 4 channels)
    Conv2DGeometry(batch: 1, inputChannels: 64, inputHeight: 9, inputWidth: 9, outputChannels: 100,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
] + stridedRowPanelGeometries

/// Strided layers whose row panels are read from padded images (rows of 13, 14 or 28 outputs):
/// column strides 4 and 2 (constant in the kernel) and 3 (the general one), AlexNet's and
/// GoogLeNet's first layers in small, an input wider than the last output reaches (the padded copy
/// drops its last column), and dilation; an unpadded one read in place, with rows and columns
/// past the last output's reach.
private let stridedRowPanelGeometries: [Conv2DGeometry] = [
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 59, inputWidth: 59, outputChannels: 40,
                   kernelHeight: 11, kernelWidth: 11, strideHeight: 4, strideWidth: 4),
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 65, inputWidth: 66, outputChannels: 40,
                   kernelHeight: 11, kernelWidth: 11, strideHeight: 4, strideWidth: 4),
    Conv2DGeometry(batch: 1, inputChannels: 3, inputHeight: 56, inputWidth: 56, outputChannels: 33,
                   kernelHeight: 7, kernelWidth: 7, strideHeight: 2, strideWidth: 2, padTop: 3, padBottom: 3, padLeft: 3, padRight: 3),
    Conv2DGeometry(batch: 3, inputChannels: 8, inputHeight: 9, inputWidth: 30, outputChannels: 20,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 2, padTop: 1, padBottom: 1),
    Conv2DGeometry(batch: 2, inputChannels: 8, inputHeight: 12, inputWidth: 30, outputChannels: 36,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2, dilationHeight: 2, dilationWidth: 2,
                   padTop: 2, padBottom: 0, padLeft: 2, padRight: 0),
    Conv2DGeometry(batch: 2, inputChannels: 8, inputHeight: 10, inputWidth: 42, outputChannels: 24,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 3, strideWidth: 3),
]

/// Sums of up to 800 products of values in [-1, 1]: a few ulps each at worst.
private let tolerance: Float = 5e-5

private func inputs(_ g: Conv2DGeometry, seed: UInt64) -> (x: [Float], w: [Float], b: [Float], y: [Float]) {
    var random = TestRandom(seed: seed)
    return (random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth), random.floats(g.weightCount),
            random.floats(g.outputChannels), random.floats(g.batch * g.outputChannels * g.outputHeight * g.outputWidth))
}

private func implicitForward(_ g: Conv2DGeometry, x: [Float], w: [Float], b: [Float]?, start: [Float], accumulate: Bool) -> [Float] {
    var y = start
    y.withUnsafeMutableBufferPointer { out in
        if let b {
            conv2dForwardImplicitGEMM(output: out.baseAddress!, input: x, weight: w, bias: b, geometry: g, accumulate: accumulate)
        } else {
            conv2dForwardImplicitGEMM(output: out.baseAddress!, input: x, weight: w, bias: nil, geometry: g, accumulate: accumulate)
        }
    }
    return y
}

@Suite struct ImplicitGEMMConvTests {
    @Test(arguments: implicitGeometries)
    func forwardMatchesTheNaiveConvolution(_ g: Conv2DGeometry) throws {
        try #require(g.isImplicitGEMMEligible || !GEMMKernel.isSupported(.avx512), "\(g)")
        guard g.isImplicitGEMMEligible else { return }  // no AVX-512 here: nothing to compare
        let (x, w, b, start) = inputs(g, seed: 21)
        var naive = [Float](repeating: 0, count: start.count)
        naive.withUnsafeMutableBufferPointer { conv2dForwardNaive(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
        // NaN in the output proves it is overwritten, not read.
        let overwritten = implicitForward(g, x: x, w: w, b: b, start: [Float](repeating: .nan, count: start.count), accumulate: false)
        expectClose(overwritten, naive, tolerance: tolerance, "forward \(g)")

        var naiveNoBias = [Float](repeating: 0, count: start.count)
        naiveNoBias.withUnsafeMutableBufferPointer { conv2dForwardNaive(output: $0.baseAddress!, input: x, weight: w, bias: nil, geometry: g) }
        let accumulated = implicitForward(g, x: x, w: w, b: nil, start: start, accumulate: true)
        expectClose(accumulated, zip(start, naiveNoBias).map { $0 + $1 }, tolerance: tolerance, "accumulate \(g)")
    }

    @Test func resultsDoNotDependOnTheThreadCount() {
        let g = implicitGeometries[0]
        guard g.isImplicitGEMMEligible else { return }
        let (x, w, b, start) = inputs(g, seed: 22)
        let results = [1, 2, 3].map { threads in
            withThreads(threads) { implicitForward(g, x: x, w: w, b: b, start: start, accumulate: false) }
        }
        #expect(results[0] == results[1] && results[1] == results[2])
    }

    /// conv2dForward and conv2dBackward send 5×5 and small-channel 3×3 layers here (forward, input
    /// gradient, and on two threads the weight gradient: position blocks over several rows, more
    /// than one 384-position block, strided gathers); whichever path they take, they must agree
    /// with the naive kernels.
    @Test(arguments: [0, 1, 5, 7, 8, 9, 14, 15].map { implicitGeometries[$0] } + stridedRowPanelGeometries)
    func routedConvolutionAndGradientsMatchTheNaiveOnes(_ g: Conv2DGeometry) {
        withThreads(2) { routedMatchesNaive(g) }
    }

    private func routedMatchesNaive(_ g: Conv2DGeometry) {
        let (x, w, b, dy) = inputs(g, seed: 23)
        var random = TestRandom(seed: 24)
        let startX = random.floats(x.count), startW = random.floats(w.count)
        expectRoutedConvolutionMatchesNaive(g, x: x, w: w, b: b, dy: dy, startX: startX, startW: startW, tolerance: tolerance)
    }

    @Test func groupedAndOversizedKernelsAreNotEligible() {
        let grouped = Conv2DGeometry(batch: 1, inputChannels: 8, inputHeight: 8, inputWidth: 8, outputChannels: 8,
                                     kernelHeight: 3, kernelWidth: 3, groups: 2)
        let wide = Conv2DGeometry(batch: 1, inputChannels: 1, inputHeight: 4, inputWidth: 40, outputChannels: 8,
                                  kernelHeight: 1, kernelWidth: 33)
        #expect(!grouped.isImplicitGEMMEligible && !wide.isImplicitGEMMEligible)
    }
}
