// 1-D and 3-D max/average pooling against a direct per-tap reference (PyTorch's definitions),
// over strides, padding, dilation, ceil mode and both divisor rules; gradient checks; errors.

import FoveaTensor
import Testing
import _FoveaTestSupport

/// One pooling configuration for every axis of a 1-D or 3-D input.
struct PoolCase: CustomStringConvertible, Sendable {
    var input: [Int]  // [N, C, spatial…]
    var kernel: [Int], stride: [Int], padBefore: [Int], padAfter: [Int], dilation: [Int]
    var ceilMode: Bool
    var description: String { "in \(input) k \(kernel) s \(stride) pad \(padBefore)/\(padAfter) d \(dilation) ceil \(ceilMode)" }
    var padding: Padding { .explicit(before: padBefore, after: padAfter) }
}

/// PyTorch's pooling by definition, in Double: max (first maximal tap wins) or average (divisor
/// counts the taps inside the input, or inside input + padding with `countIncludePad`).
func referencePool(_ x: Tensor, _ c: PoolCase, max: Bool, countIncludePad: Bool = true) -> (shape: [Int], values: [Float]) {
    let spatial = Array(c.input[2...]), dims = spatial.count
    var outSizes: [Int] = []
    for a in 0..<dims {
        let span = spatial[a] + c.padBefore[a] + c.padAfter[a] - c.dilation[a] * (c.kernel[a] - 1) - 1
        var o = (c.ceilMode ? (span + c.stride[a] - 1) : span) / c.stride[a] + 1
        if c.ceilMode && (o - 1) * c.stride[a] >= spatial[a] + c.padBefore[a] { o -= 1 }
        outSizes.append(o)
    }
    let planes = c.input[0] * c.input[1], inPlane = spatial.reduce(1, *), outPlane = outSizes.reduce(1, *)
    let xs = x.scalars
    var result: [Float] = []
    for plane in 0..<planes {
        for o in 0..<outPlane {
            var rest = o, position = [Int](repeating: 0, count: dims)
            for a in stride(from: dims - 1, through: 0, by: -1) { position[a] = rest % outSizes[a]; rest /= outSizes[a] }
            // Per axis: the valid input indices and the padded-extent count.
            var taps: [[Int]] = [], padded = 1
            for a in 0..<dims {
                let start = position[a] * c.stride[a] - c.padBefore[a]
                let all = (0..<c.kernel[a]).map { start + $0 * c.dilation[a] }
                taps.append(all.filter { $0 >= 0 && $0 < spatial[a] })
                padded *= all.filter { $0 < spatial[a] + c.padAfter[a] }.count
            }
            var indices: [Int] = [0]
            for a in 0..<dims { indices = indices.flatMap { base in taps[a].map { base * spatial[a] + $0 } } }
            if a0IsEmpty(taps) { result.append(max ? -.infinity : 0); continue }
            let values = indices.map { Double(xs[plane * inPlane + $0]) }
            if max {
                result.append(Float(values.max()!))
            } else {
                let divisor = countIncludePad ? padded : values.count
                result.append(Float(values.reduce(0, +) / Double(divisor)))
            }
        }
    }
    return (Array(c.input[..<2]) + outSizes, result)
}

private func a0IsEmpty(_ taps: [[Int]]) -> Bool { taps.contains { $0.isEmpty } }

@Suite struct PoolingNdTests {
    static let cases1d: [PoolCase] = [
        PoolCase(input: [2, 3, 9], kernel: [2], stride: [2], padBefore: [0], padAfter: [0], dilation: [1], ceilMode: false),
        PoolCase(input: [1, 2, 10], kernel: [3], stride: [2], padBefore: [1], padAfter: [1], dilation: [1], ceilMode: true),
        PoolCase(input: [2, 1, 11], kernel: [3], stride: [1], padBefore: [1], padAfter: [0], dilation: [2], ceilMode: false),
        PoolCase(input: [1, 1, 7], kernel: [4], stride: [3], padBefore: [2], padAfter: [2], dilation: [1], ceilMode: true),
    ]
    static let cases3d: [PoolCase] = [
        PoolCase(input: [2, 2, 4, 4, 4], kernel: [2, 2, 2], stride: [2, 2, 2], padBefore: [0, 0, 0], padAfter: [0, 0, 0], dilation: [1, 1, 1], ceilMode: false),
        PoolCase(input: [1, 3, 5, 6, 7], kernel: [3, 2, 3], stride: [2, 1, 2], padBefore: [1, 1, 0], padAfter: [1, 0, 1], dilation: [1, 1, 1], ceilMode: true),
        PoolCase(input: [1, 2, 7, 5, 6], kernel: [2, 3, 2], stride: [1, 2, 2], padBefore: [0, 1, 1], padAfter: [1, 1, 0], dilation: [2, 1, 2], ceilMode: false),
        PoolCase(input: [2, 1, 3, 3, 3], kernel: [3, 3, 3], stride: [2, 2, 2], padBefore: [1, 1, 1], padAfter: [1, 1, 1], dilation: [1, 1, 1], ceilMode: true),
    ]

    @Test(arguments: cases1d) func onedMatchesReference(c: PoolCase) throws {
        let x = try uniform(c.input, seed: 21)
        let max = try x.maxPool1d(kernelSize: c.kernel[0], stride: c.stride[0], padding: c.padding, dilation: c.dilation[0], ceilMode: c.ceilMode)
        let expected = referencePool(x, c, max: true)
        expectValues(max, shape: expected.shape, expected.values)
        guard c.dilation == [1] else { return }
        for include in [true, false] {
            let avg = try x.avgPool1d(kernelSize: c.kernel[0], stride: c.stride[0], padding: c.padding, ceilMode: c.ceilMode, countIncludePad: include)
            let reference = referencePool(x, c, max: false, countIncludePad: include)
            expectValues(avg, shape: reference.shape, reference.values)
        }
    }

    @Test(arguments: cases3d) func threedMatchesReference(c: PoolCase) throws {
        let x = try uniform(c.input, seed: 22)
        let max = try x.maxPool3d(kernelSize: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode)
        let expected = referencePool(x, c, max: true)
        expectValues(max, shape: expected.shape, expected.values)
        guard c.dilation == [1, 1, 1] else { return }
        for include in [true, false] {
            let avg = try x.avgPool3d(kernelSize: c.kernel, stride: c.stride, padding: c.padding, ceilMode: c.ceilMode, countIncludePad: include)
            let reference = referencePool(x, c, max: false, countIncludePad: include)
            expectValues(avg, shape: reference.shape, reference.values)
        }
    }

    @Test func gradients() throws {
        let x1 = try kinkFreeTensor([2, 2, 9]), x3 = try kinkFreeTensor([1, 1, 4, 5, 5])  // ≤ 100 values: spacing above the step
        try expectGradients([x1], "maxPool1d") { try $0[0].maxPool1d(kernelSize: 3, stride: 2, padding: .uniform(1), ceilMode: true) }
        try expectGradients([x1], "avgPool1d") { try $0[0].avgPool1d(kernelSize: 3, stride: 2, padding: .uniform(1), countIncludePad: false) }
        try expectGradients([x3], "maxPool3d") { try $0[0].maxPool3d(kernelSize: [2, 3, 2], stride: [1, 2, 2], padding: .uniform(1)) }
        try expectGradients([x3], "avgPool3d") { try $0[0].avgPool3d(kernelSize: [2], stride: [2], ceilMode: true) }
    }

    /// Ties in a 3-D window go to the first tap in (d, h, w) order, as in PyTorch.
    @Test func threedMaxTieGoesToFirstTap() throws {
        let x = try Tensor(repeating: 1, shape: [1, 1, 2, 2, 2]).requiringGradient()
        try x.maxPool3d(kernelSize: [2]).sum().backward()
        expectValues(x.gradient!, shape: [1, 1, 2, 2, 2], [1, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func errorsNameTheOperationAndValues() throws {
        let x1 = try Tensor.zeros([1, 1, 4]), x3 = try Tensor.zeros([1, 1, 2, 4, 4])
        #expect(errorDescription { try x1.maxPool1d(kernelSize: 5) }?.contains("maxPool1d") == true)
        #expect(errorDescription { try x1.avgPool1d(kernelSize: 2, padding: .uniform(2)) }?.contains("padding 2") == true)
        #expect(errorDescription { try x1.maxPool1d(kernelSize: 0) }?.contains("kernel size [0]") == true)
        #expect(errorDescription { try x3.maxPool3d(kernelSize: [3]) }?.contains("depth window") == true)
        #expect(errorDescription { try x3.avgPool3d(kernelSize: [2, 2]) }?.contains("avgPool3d") == true)
        #expect(errorDescription { try x1.maxPool3d(kernelSize: [1]) }?.contains("[N, C, D, H, W]") == true)
        #expect(errorDescription { try x3.maxPool1d(kernelSize: 1) }?.contains("[N, C, L]") == true)
    }
}
