// The fused epilogue of conv2dForward / convolutionForward (per-channel scale, bias, ReLU) on every
// path a convolution can take, against the naive convolution followed by the same arithmetic.

import FoveaKernels
import Testing

/// One geometry per path: im2col (LeNet-5's first layer: 25 taps), implicit GEMM (5×5, 12 channels),
/// Winograd (3×3 and 5×5, 16+ channels, enough tiles), depthwise, and grouped (im2col per group).
private let epilogueGeometries: [Conv2DGeometry] = [
    Conv2DGeometry(batch: 2, inputChannels: 1, inputHeight: 12, inputWidth: 12, outputChannels: 6,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 12, inputHeight: 14, inputWidth: 14, outputChannels: 64,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 16, inputHeight: 20, inputWidth: 20, outputChannels: 24,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Conv2DGeometry(batch: 2, inputChannels: 16, inputHeight: 12, inputWidth: 12, outputChannels: 24,
                   kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    Conv2DGeometry(batch: 2, inputChannels: 8, inputHeight: 9, inputWidth: 9, outputChannels: 8,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 8),
    Conv2DGeometry(batch: 2, inputChannels: 4, inputHeight: 7, inputWidth: 7, outputChannels: 6,
                   kernelHeight: 3, kernelWidth: 3, groups: 2),
]

/// naive(x, w) · scale[k] + bias[k] (multiply, then add), then ReLU.
private func expected(_ g: Conv2DGeometry, x: [Float], w: [Float], scale: [Float]?, bias: [Float]?, relu: Bool) -> [Float] {
    var y = [Float](repeating: 0, count: g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
    y.withUnsafeMutableBufferPointer { conv2dForwardNaive(output: $0.baseAddress!, input: x, weight: w, bias: nil, geometry: g) }
    let plane = g.outputHeight * g.outputWidth
    for i in y.indices {
        let k = i / plane % g.outputChannels
        var v = y[i]
        if let scale { v *= scale[k] }
        if let bias { v += bias[k] }
        y[i] = relu && v < 0 ? 0 : v
    }
    return y
}

@Suite struct ConvEpilogueTests {
    @Test(arguments: epilogueGeometries)
    func scaleBiasAndReLUMatchTheUnfusedArithmetic(_ g: Conv2DGeometry) {
        var random = TestRandom(seed: 31)
        let x = random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth), w = random.floats(g.weightCount)
        let scale = random.floats(g.outputChannels), bias = random.floats(g.outputChannels)
        let count = g.batch * g.outputChannels * g.outputHeight * g.outputWidth
        for (useScale, useBias, relu) in [(true, true, true), (false, true, true), (true, false, false), (false, false, true)] {
            var y = [Float](repeating: .nan, count: count)
            y.withUnsafeMutableBufferPointer { out in
                scale.withUnsafeBufferPointer { s in
                    bias.withUnsafeBufferPointer { b in
                        conv2dForward(output: out.baseAddress!, input: x, weight: w, bias: useBias ? b.baseAddress : nil,
                                      geometry: g, scale: useScale ? s.baseAddress : nil, relu: relu)
                    }
                }
            }
            let want = expected(g, x: x, w: w, scale: useScale ? scale : nil, bias: useBias ? bias : nil, relu: relu)
            expectClose(y, want, tolerance: 5e-5, "\(g) scale \(useScale) bias \(useBias) relu \(relu)")
            if relu { #expect(y.allSatisfy { $0 >= 0 }, "\(g): a negative value survived the ReLU") }
        }
    }

    /// Three spatial dimensions take vol2col + SGEMM; the epilogue runs there too.
    @Test func volumetricConvolutionAppliesTheEpilogue() {
        let g = ConvNDGeometry(batch: 2, inputChannels: 3, outputChannels: 4, inputSize: [4, 5, 5], kernelSize: [2, 3, 3],
                               padBefore: [0, 1, 1], padAfter: [0, 1, 1])
        var random = TestRandom(seed: 32)
        let x = random.floats(2 * 3 * 100), w = random.floats(4 * 3 * 18)
        let scale = random.floats(4), bias = random.floats(4)
        let count = 2 * 4 * g.outputSize.reduce(1, *)
        var y = [Float](repeating: .nan, count: count), plain = y
        y.withUnsafeMutableBufferPointer { convolutionForward(output: $0.baseAddress!, input: x, weight: w, bias: bias, geometry: g, scale: scale, relu: true) }
        plain.withUnsafeMutableBufferPointer { convolutionForwardNaive(output: $0.baseAddress!, input: x, weight: w, bias: nil, geometry: g) }
        let plane = g.outputSize.reduce(1, *)
        let want = plain.indices.map { i -> Float in
            let v = plain[i] * scale[i / plane % 4] + bias[i / plane % 4]
            return v < 0 ? 0 : v
        }
        expectClose(y, want, tolerance: 5e-5, "3-D")
    }
}
