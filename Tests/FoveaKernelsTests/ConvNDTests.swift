// The N-d convolution entry point against its direct-summation twin: 1-D and 2-D (through the fast
// 2-D kernels) and 3-D (vol2col + SGEMM), forward and accumulated backward.

import FoveaKernels
import Testing

@Suite struct ConvNDTests {
    static let geometries: [ConvNDGeometry] = [
        ConvNDGeometry(batch: 2, inputChannels: 3, outputChannels: 4, inputSize: [9], kernelSize: [3], stride: [2], padBefore: [1], padAfter: [2]),
        ConvNDGeometry(batch: 1, inputChannels: 4, outputChannels: 2, inputSize: [7], kernelSize: [2], dilation: [3], groups: 2),
        ConvNDGeometry(batch: 2, inputChannels: 2, outputChannels: 3, inputSize: [5, 6], kernelSize: [3, 2], stride: [1, 2], padBefore: [1, 0], padAfter: [1, 1]),
        ConvNDGeometry(batch: 2, inputChannels: 2, outputChannels: 3, inputSize: [4, 5, 6], kernelSize: [2, 3, 3], padBefore: [0, 1, 1], padAfter: [1, 1, 0]),
        ConvNDGeometry(batch: 1, inputChannels: 4, outputChannels: 4, inputSize: [5, 5, 5], kernelSize: [3, 3, 3], stride: [2, 1, 2],
                       dilation: [1, 2, 1], padBefore: [1, 1, 1], padAfter: [1, 1, 1], groups: 2),
        ConvNDGeometry(batch: 3, inputChannels: 3, outputChannels: 2, inputSize: [1, 3, 7], kernelSize: [1, 1, 1]),
    ]

    @Test(arguments: geometries) func fastMatchesNaive(_ g: ConvNDGeometry) {
        #expect(g.validationFailure == nil)
        var rng = TestRandom(seed: 11)
        let x = rng.floats(g.inputCount), w = rng.floats(g.weightCount), b = rng.floats(g.outputChannels)
        let dy = rng.floats(g.outputCount)
        var fast = [Float](repeating: 0, count: g.outputCount), slow = fast
        convolutionForward(output: &fast, input: x, weight: w, bias: b, geometry: g)
        convolutionForwardNaive(output: &slow, input: x, weight: w, bias: b, geometry: g)
        expectClose(fast, slow, "forward \(g.inputSize)")

        // Backward accumulates into pre-filled buffers.
        let start: Float = 0.5
        var dxFast = [Float](repeating: start, count: g.inputCount), dxSlow = dxFast
        var dwFast = [Float](repeating: start, count: g.weightCount), dwSlow = dwFast
        var dbFast = [Float](repeating: start, count: g.outputChannels), dbSlow = dbFast
        convolutionBackward(dInput: &dxFast, dWeight: &dwFast, dBias: &dbFast, dOutput: dy, input: x, weight: w, geometry: g)
        convolutionBackwardNaive(dInput: &dxSlow, dWeight: &dwSlow, dBias: &dbSlow, dOutput: dy, input: x, weight: w, geometry: g)
        expectClose(dxFast, dxSlow, "dInput")
        expectClose(dwFast, dwSlow, "dWeight")
        expectClose(dbFast, dbSlow, "dBias")
    }

    @Test func vol2colAndCol2volAreAdjoint() {
        let g = ConvNDGeometry(batch: 1, inputChannels: 2, outputChannels: 1, inputSize: [3, 4, 5], kernelSize: [2, 2, 3],
                               stride: [1, 2, 1], padBefore: [1, 0, 1], padAfter: [0, 1, 1])
        let rows = g.columnRows, cols = g.outputSize.reduce(1, *), size = g.inputCount
        var rng = TestRandom(seed: 3)
        let x = rng.floats(size), y = rng.floats(rows * cols)
        var col = [Float](repeating: 0, count: rows * cols), back = [Float](repeating: 0, count: size)
        vol2col(columns: &col, image: x, geometry: g)
        col2vol(image: &back, columns: y, geometry: g)
        let lhs = zip(col, y).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let rhs = zip(x, back).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        #expect(abs(lhs - rhs) < 1e-3)
    }

    @Test func validationNamesTheProblem() {
        let tooBig = ConvNDGeometry(batch: 1, inputChannels: 1, outputChannels: 1, inputSize: [2, 2, 2], kernelSize: [3, 3, 3])
        #expect(tooBig.validationFailure?.contains("does not fit") == true)
        let wrongCount = ConvNDGeometry(batch: 1, inputChannels: 1, outputChannels: 1, inputSize: [4, 4, 4], kernelSize: [3, 3])
        #expect(wrongCount.validationFailure?.contains("kernelSize") == true)
    }
}

