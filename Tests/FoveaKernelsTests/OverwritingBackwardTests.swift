// conv2dBackward / convolutionBackward with `accumulate: false`: every path must overwrite its
// gradient buffers without reading them, and give the same values as accumulating into zeros.
// The buffers start as NaN, so a path that adds to (or leaves) an old value is caught.

import FoveaKernels
import Testing

/// Geometries beyond `convGeometries` that reach the other backward paths.
private let overwritingGeometries: [Conv2DGeometry] = [
    // depthwise, one output channel per input channel: the plane-by-plane AVX-512 backward
    Conv2DGeometry(batch: 3, inputChannels: 16, inputHeight: 20, inputWidth: 37, outputChannels: 16,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 16),
    // Winograd F(2×2, 3×3) and F(2×2, 5×5) input gradients (16+ channels, 64+ tiles)
    Conv2DGeometry(batch: 3, inputChannels: 32, inputHeight: 11, inputWidth: 12, outputChannels: 48,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 0, padRight: 2),
    Conv2DGeometry(batch: 3, inputChannels: 32, inputHeight: 11, inputWidth: 12, outputChannels: 48,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 3, padLeft: 1, padRight: 2),
    // implicit-GEMM input gradient (LeNet's second layer with 12 input channels)
    Conv2DGeometry(batch: 2, inputChannels: 12, inputHeight: 14, inputWidth: 14, outputChannels: 64,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    // few taps: the direct weight and bias gradient (LeNet's first layer)
    Conv2DGeometry(batch: 4, inputChannels: 1, inputHeight: 28, inputWidth: 28, outputChannels: 8,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    // a pointwise layer large enough for threaded products
    Conv2DGeometry(batch: 4, inputChannels: 64, inputHeight: 14, inputWidth: 14, outputChannels: 32,
                   kernelHeight: 1, kernelWidth: 1),
]

@Suite struct OverwritingBackwardTests {
    @Test(arguments: [1, 2])
    func overwritingEqualsAccumulatingIntoZeros(threads: Int) {
        for (index, g) in (convGeometries + overwritingGeometries).enumerated() {
            var random = TestRandom(seed: UInt64(40 + index))
            let x = random.floats(g.inputCount), w = random.floats(g.weightCount)
            let dy = random.floats(g.outputCount)
            let (dx, dw, db) = withThreads(threads) { gradients(g, x: x, w: w, dy: dy, start: .nan, accumulate: false) }
            let (zx, zw, zb) = withThreads(threads) { gradients(g, x: x, w: w, dy: dy, start: 0, accumulate: true) }
            let sameX = dx == zx, sameW = dw == zw, sameB = db == zb  // (not the arrays in a failure's message)
            #expect(sameX, "input gradient \(g)")
            #expect(sameW, "weight gradient \(g)")
            #expect(sameB, "bias gradient \(g)")
        }
    }

    /// Each gradient asked for on its own (the paths differ when only one is wanted).
    @Test func eachGradientAloneIsOverwritten() {
        for g in overwritingGeometries {
            var random = TestRandom(seed: 60)
            let x = random.floats(g.inputCount), w = random.floats(g.weightCount), dy = random.floats(g.outputCount)
            let (fullX, fullW, fullB) = gradients(g, x: x, w: w, dy: dy, start: 0, accumulate: true)
            var dx = [Float](repeating: .nan, count: g.inputCount)
            conv2dBackward(dInput: &dx, dWeight: nil, dBias: nil, dOutput: dy, input: x, weight: w, geometry: g,
                           accumulate: false)
            let sameX = dx == fullX
            #expect(sameX, "input gradient alone \(g)")
            var dw = [Float](repeating: .nan, count: g.weightCount), db = [Float](repeating: .nan, count: g.outputChannels)
            conv2dBackward(dInput: nil, dWeight: &dw, dBias: &db, dOutput: dy, input: x, weight: w, geometry: g,
                           accumulate: false)
            let sameWB = dw == fullW && db == fullB
            #expect(sameWB, "weight and bias gradients alone \(g)")
        }
    }

    /// The N-d path (3-D here) clears its buffers before its column products add into them.
    @Test func volumetricGradientsAreOverwritten() {
        let g = ConvNDGeometry(batch: 2, inputChannels: 3, outputChannels: 4, inputSize: [5, 6, 4], kernelSize: [3, 2, 3],
                               stride: [2, 1, 1], padBefore: [1, 0, 1], padAfter: [1, 1, 1])
        let inputCount = g.batch * g.inputChannels * g.inputSize.reduce(1, *)
        let outputCount = g.batch * g.outputChannels * g.outputSize.reduce(1, *)
        var random = TestRandom(seed: 61)
        let x = random.floats(inputCount), w = random.floats(g.weightCount), dy = random.floats(outputCount)
        func run(start: Float, accumulate: Bool) -> [[Float]] {
            var dx = [Float](repeating: start, count: inputCount), dw = [Float](repeating: start, count: g.weightCount)
            var db = [Float](repeating: start, count: g.outputChannels)
            convolutionBackward(dInput: &dx, dWeight: &dw, dBias: &db, dOutput: dy, input: x, weight: w, geometry: g,
                                accumulate: accumulate)
            return [dx, dw, db]
        }
        let same = run(start: .nan, accumulate: false) == run(start: 0, accumulate: true)
        #expect(same)
    }

    private func gradients(_ g: Conv2DGeometry, x: [Float], w: [Float], dy: [Float], start: Float,
                           accumulate: Bool) -> ([Float], [Float], [Float]) {
        var dx = [Float](repeating: start, count: g.inputCount), dw = [Float](repeating: start, count: g.weightCount)
        var db = [Float](repeating: start, count: g.outputChannels)
        conv2dBackward(dInput: &dx, dWeight: &dw, dBias: &db, dOutput: dy, input: x, weight: w, geometry: g,
                       accumulate: accumulate)
        return (dx, dw, db)
    }
}
