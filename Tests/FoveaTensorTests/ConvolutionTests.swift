// conv2d: gradient checks over strides, paddings, dilation and groups, and a hand-computed case.

import FoveaTensor
import Testing
import _FoveaTestSupport

/// One convolution configuration to check.
struct ConvCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: [Int]
    var weight: [Int]
    var bias = true
    var stride: [Int] = [1]
    var padding: Padding = .valid
    var dilation: [Int] = [1]
    var groups = 1
    var testDescription: String { name }
}

@Suite struct ConvolutionTests {
    static let cases: [ConvCase] = [
        ConvCase(name: "plain 3×3", input: [2, 2, 4, 4], weight: [3, 2, 3, 3]),
        ConvCase(name: "no bias", input: [1, 2, 4, 4], weight: [3, 2, 3, 3], bias: false),
        ConvCase(name: "stride 2, same", input: [1, 2, 5, 6], weight: [2, 2, 3, 3], stride: [2], padding: .same),
        ConvCase(name: "stride 2, sameLower, even kernel", input: [1, 2, 6, 5], weight: [2, 2, 2, 2], stride: [2], padding: .sameLower),
        ConvCase(name: "full", input: [1, 2, 3, 4], weight: [2, 2, 3, 2], padding: .full),
        ConvCase(name: "explicit asymmetric", input: [1, 2, 4, 4], weight: [2, 2, 3, 3],
                 padding: .explicit(before: [1, 0], after: [0, 2])),
        ConvCase(name: "dilation 2", input: [1, 2, 6, 6], weight: [2, 2, 3, 3], dilation: [2]),
        ConvCase(name: "dilation 2, same, no bias", input: [1, 1, 5, 5], weight: [2, 1, 3, 3], bias: false, padding: .same, dilation: [2]),
        ConvCase(name: "groups 2", input: [1, 4, 4, 4], weight: [6, 2, 3, 3], groups: 2),
        ConvCase(name: "groups 2, no bias, stride 2", input: [2, 4, 5, 5], weight: [4, 2, 2, 2], bias: false, stride: [2], groups: 2),
        ConvCase(name: "depthwise", input: [1, 3, 4, 4], weight: [3, 1, 3, 3], padding: .uniform(1), groups: 3),
        ConvCase(name: "rectangular stride and kernel", input: [1, 2, 5, 7], weight: [2, 2, 2, 3], stride: [2, 1], padding: .uniform(1)),
        ConvCase(name: "1×1", input: [2, 3, 3, 3], weight: [2, 3, 1, 1]),
    ]

    @Test(arguments: cases) func gradient(of c: ConvCase) throws {
        var inputs = [try uniform(c.input, seed: 1), try uniform(c.weight, seed: 2)]
        if c.bias { inputs.append(try uniform([c.weight[0]], seed: 3)) }
        try expectGradients(inputs, c.name) { t in
            try t[0].conv2d(weight: t[1], bias: t.count > 2 ? t[2] : nil, stride: c.stride, padding: c.padding,
                            dilation: c.dilation, groups: c.groups)
        }
    }

    @Test func outputShapes() throws {
        let x = try Tensor.zeros([2, 3, 7, 6])
        func shape(_ w: [Int], stride: [Int] = [1], padding: Padding = .valid, dilation: [Int] = [1], groups: Int = 1) throws -> [Int] {
            try x.conv2d(weight: try Tensor.zeros(w), stride: stride, padding: padding, dilation: dilation, groups: groups).shape
        }
        #expect(try shape([4, 3, 3, 3]) == [2, 4, 5, 4])
        #expect(try shape([4, 3, 3, 3], stride: [2]) == [2, 4, 3, 2])
        #expect(try shape([4, 3, 3, 3], stride: [2], padding: .same) == [2, 4, 4, 3])  // ceil(in / stride)
        #expect(try shape([4, 3, 2, 2], padding: .same) == [2, 4, 7, 6])
        #expect(try shape([4, 3, 3, 2], padding: .full) == [2, 4, 9, 7])
        #expect(try shape([4, 3, 3, 3], dilation: [2]) == [2, 4, 3, 2])
        #expect(try shape([4, 3, 3, 3], padding: .explicit(before: [1, 0], after: [0, 2])) == [2, 4, 6, 6])
        #expect(try shape([6, 1, 1, 1], groups: 3) == [2, 6, 7, 6])
    }

    /// A 3×3 image and a 2×2 kernel, computed by hand.
    @Test func handComputedThreeByThree() throws {
        let image = try Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9]).requiringGradient()
        let kernel = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]).requiringGradient()
        let bias = try Tensor(shape: [1], scalars: [0.5]).requiringGradient()
        // out[p, q] = x[p, q]·1 + x[p, q+1]·2 + x[p+1, q]·3 + x[p+1, q+1]·4 + 0.5
        let y = try image.conv2d(weight: kernel, bias: bias)
        expectValues(y, shape: [1, 1, 2, 2], [37.5, 47.5, 67.5, 77.5])
        try y.sum().backward()
        // d(sum)/dx: how often each pixel meets each kernel tap; d(sum)/dw: the sum of each tap's window.
        expectValues(image.gradient!, shape: [1, 1, 3, 3], [1, 3, 2, 4, 10, 6, 3, 7, 4])
        expectValues(kernel.gradient!, shape: [1, 1, 2, 2], [12, 16, 24, 28])
        expectValues(bias.gradient!, shape: [1], [4])

        // SAME_UPPER pads one row and column at the bottom and right.
        let same = try image.conv2d(weight: kernel, padding: .same)
        expectValues(same, shape: [1, 1, 3, 3], [37, 47, 21, 67, 77, 33, 23, 26, 9])
        // SAME_LOWER pads at the top and left instead.
        let lower = try image.conv2d(weight: kernel, padding: .sameLower)
        expectValues(lower, shape: [1, 1, 3, 3], [4, 11, 18, 18, 37, 47, 36, 67, 77])
    }

    @Test func groupsKeepChannelsApart() throws {
        // Two groups of one channel; each output channel must see only its own input channel.
        let x = try Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 10, 20])
        let w = try Tensor(shape: [2, 1, 1, 1], scalars: [3, 5])
        expectValues(try x.conv2d(weight: w, groups: 2), shape: [1, 2, 1, 2], [3, 6, 50, 100])
    }
}
