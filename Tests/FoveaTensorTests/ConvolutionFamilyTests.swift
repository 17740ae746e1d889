// Convolution beyond 2-D cross-correlation: 1-D and 3-D, padding modes, kernel flipping and true
// convolution (which commutes), and transposed convolution (the input gradient of convolution).

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct ConvolutionFamilyTests {
    @Test func conv1dEqualsConv2dOfHeightOne() throws {
        let x = try uniform([2, 3, 9], seed: 1), w = try uniform([4, 3, 3], seed: 2), b = try uniform([4], seed: 3)
        let one = try x.conv1d(weight: w, bias: b, stride: [2], padding: .explicit(before: [1], after: [2]), dilation: [1])
        let two = try x.reshaped(to: [2, 3, 1, 9]).conv2d(weight: w.reshaped(to: [4, 3, 1, 3]), bias: b, stride: [1, 2],
                                                         padding: .explicit(before: [0, 1], after: [0, 2]))
        expectValues(one, shape: [2, 4, 5], two.scalars)
    }

    @Test func gradientsOf1DAnd3DConvolution() throws {
        try expectGradients([try uniform([2, 2, 7], seed: 4), try uniform([3, 2, 3], seed: 5), try uniform([3], seed: 6)]) { t in
            try t[0].conv1d(weight: t[1], bias: t[2], stride: [2], padding: .same)
        }
        try expectGradients([try uniform([1, 2, 3, 4, 4], seed: 7), try uniform([2, 2, 2, 3, 2], seed: 8), try uniform([2], seed: 9)]) { t in
            try t[0].conv3d(weight: t[1], bias: t[2], stride: [1, 2, 1], padding: .explicit(before: [1, 0, 1], after: [0, 1, 0]))
        }
    }

    @Test func paddingModesMatchHandWorkedRows() throws {
        let x = try Tensor(shape: [1, 1, 3], scalars: [1, 2, 3])
        func row(_ mode: PaddingMode) throws -> [Float] { try x.padded(before: [2], after: [2], mode: mode).scalars }
        #expect(try row(.zeros) == [0, 0, 1, 2, 3, 0, 0])
        #expect(try row(.reflect) == [3, 2, 1, 2, 3, 2, 1])
        #expect(try row(.replicate) == [1, 1, 1, 2, 3, 3, 3])
        #expect(try row(.circular) == [2, 3, 1, 2, 3, 1, 2])
        #expect(throws: TensorError.self) { try x.padded(before: [3], after: [0], mode: .reflect) }
        #expect(throws: TensorError.self) { try x.padded(before: [4], after: [0], mode: .circular) }
        #expect(throws: TensorError.self) { try x.padded(before: [-1], after: [0]) }
    }

    @Test(arguments: PaddingMode.allCases) func paddingGradients(_ mode: PaddingMode) throws {
        try expectGradients([try uniform([2, 1, 3, 4], seed: 10)], "\(mode)") { t in
            try t[0].padded(before: [2, 1], after: [1, 3], mode: mode)
        }
    }

    @Test func flipReversesAndItsGradientFlipsBack() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        expectValues(try x.flipped(axes: [1]), shape: [2, 3], [3, 2, 1, 6, 5, 4])
        expectValues(try x.flipped(axes: [0, -1]), shape: [2, 3], [6, 5, 4, 3, 2, 1])
        try expectGradients([try uniform([2, 3, 4], seed: 11)]) { t in try t[0].flipped(axes: [0, 2]) }
    }

    /// With full padding, true convolution commutes (x∗k = k∗x); cross-correlation does not.
    @Test func trueConvolutionCommutesAndCrossCorrelationDoesNot() throws {
        let x = try Tensor(shape: [1, 1, 5], scalars: [1, 2, 0, -1, 3]), k = try Tensor(shape: [1, 1, 3], scalars: [2, -1, 0.5])
        let xk = try x.convolved(with: k, padding: .full), kx = try k.convolved(with: x, padding: .full)
        expectValues(xk, shape: [1, 1, 7], kx.scalars)
        // By hand: (x∗k)(i) = Σ_m x(m)·k(i − m).
        expectValues(xk, shape: [1, 1, 7], [2, 3, -1.5, -1, 7, -3.5, 1.5])
        let ck = try x.convolution(weight: k, padding: .full), cx = try k.convolution(weight: x, padding: .full)
        #expect(ck.scalars != cx.scalars)
        // 2-D as well.
        let image = try uniform([1, 1, 4, 5], seed: 12), kernel = try uniform([1, 1, 3, 2], seed: 13)
        expectValues(try image.convolved(with: kernel, padding: .full), shape: [1, 1, 6, 6],
                     try kernel.convolved(with: image, padding: .full).scalars)
    }

    @Test func trueConvolutionIsCrossCorrelationWithTheFlippedKernel() throws {
        let x = try uniform([2, 2, 5, 6], seed: 14), w = try uniform([3, 2, 3, 2], seed: 15)
        let flippedKernel = try w.flipped(axes: [2, 3])
        expectValues(try x.convolved(with: w, stride: [2, 1], padding: .same),
                     shape: [2, 3, 3, 6], try x.conv2d(weight: flippedKernel, stride: [2, 1], padding: .same).scalars)
    }

    struct TransposeCase: Sendable, CustomTestStringConvertible {
        var name: String, input: [Int], weight: [Int], stride: [Int], padding: Padding, outputPadding: [Int], dilation: [Int], groups: Int
        var testDescription: String { name }
    }
    static let transposeCases: [TransposeCase] = [
        TransposeCase(name: "1-D stride 2", input: [2, 3, 4], weight: [3, 2, 3], stride: [2], padding: .uniform(1), outputPadding: [1], dilation: [1], groups: 1),
        TransposeCase(name: "2-D stride 2 groups 2", input: [1, 4, 3, 3], weight: [4, 1, 3, 2], stride: [2], padding: .explicit(before: [1, 0], after: [0, 1]),
                      outputPadding: [1, 0], dilation: [1], groups: 2),
        TransposeCase(name: "2-D dilation 2", input: [2, 2, 3, 4], weight: [2, 3, 2, 2], stride: [1], padding: .valid, outputPadding: [0], dilation: [2], groups: 1),
        TransposeCase(name: "3-D", input: [1, 2, 2, 3, 2], weight: [2, 2, 2, 2, 3], stride: [2, 1, 2], padding: .valid, outputPadding: [0], dilation: [1], groups: 1),
    ]

    /// The forward pass of a transposed convolution is the input gradient of the convolution with
    /// the same weight and geometry.
    @Test(arguments: transposeCases) func transposedConvolutionIsTheInputGradientOfConvolution(_ c: TransposeCase) throws {
        let x = try uniform(c.input, seed: 16), w = try uniform(c.weight, seed: 17)
        let y = try x.transposedConvolution(weight: w, stride: c.stride, padding: c.padding, outputPadding: c.outputPadding,
                                            dilation: c.dilation, groups: c.groups)
        let u = try Tensor.zeros(y.shape).requiringGradient()
        let z = try u.convolution(weight: w, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        #expect(z.shape == x.shape, "\(c.name): \(z.shape) vs \(x.shape)")
        try z.backward(seed: x)
        expectValues(y, shape: u.shape, u.gradient?.scalars ?? [])
        var inputs = [x, w, try uniform([w.shape[1] * c.groups], seed: 18)]
        inputs[0] = try uniform(c.input, seed: 19)
        try expectGradients(inputs, c.name) { t in
            try t[0].transposedConvolution(weight: t[1], bias: t[2], stride: c.stride, padding: c.padding,
                                           outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups)
        }
    }

    @Test func transposedConvolutionOutputSize() throws {
        // (in − 1)·stride − padBefore − padAfter + dilation·(k − 1) + outputPadding + 1
        let x = try Tensor.zeros([1, 2, 5, 4]), w = try Tensor.zeros([2, 3, 3, 3])
        #expect(try x.transposedConvolution(weight: w, stride: [2], padding: .uniform(1), outputPadding: [1]).shape == [1, 3, 10, 8])
        #expect(throws: TensorError.self) { try x.transposedConvolution(weight: w, stride: [2], outputPadding: [2]) }
        #expect(throws: TensorError.self) { try x.transposedConvolution(weight: try Tensor.zeros([3, 3, 3, 3])) }
    }
}
