// maxPool2d and avgPool2d: gradient checks, hand-computed windows, ceil mode and padding.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct PoolingTests {
    @Test func maxPoolGradient() throws {
        // Distinct values at least 2·step apart: no window has a tie, even after perturbation.
        let x = try kinkFreeTensor([2, 2, 5, 5])
        try expectGradients([x], "2×2 stride 2") { try $0[0].maxPool2d(kernelSize: [2]) }
        try expectGradients([x], "3×3 stride 1") { try $0[0].maxPool2d(kernelSize: [3], stride: [1]) }
        try expectGradients([x], "3×3 stride 2 padding 1") { try $0[0].maxPool2d(kernelSize: [3], stride: [2], padding: .uniform(1)) }
        try expectGradients([x], "3×3 stride 2 same") { try $0[0].maxPool2d(kernelSize: [3], stride: [2], padding: .same) }
        try expectGradients([x], "2×2 stride 2 ceil") { try $0[0].maxPool2d(kernelSize: [2], ceilMode: true) }
        try expectGradients([x], "3×3 stride 2 padding 1 ceil") {
            try $0[0].maxPool2d(kernelSize: [3], stride: [2], padding: .uniform(1), ceilMode: true)
        }
        try expectGradients([x], "2×3 stride [1, 2] dilation 2") {
            try $0[0].maxPool2d(kernelSize: [2, 3], stride: [1, 2], dilation: [2])
        }
    }

    @Test(arguments: [true, false]) func avgPoolGradient(countIncludePad: Bool) throws {
        let x = try uniform([2, 2, 5, 5])
        try expectGradients([x], "2×2") { try $0[0].avgPool2d(kernelSize: [2], countIncludePad: countIncludePad) }
        try expectGradients([x], "3×3 stride 2 padding 1") {
            try $0[0].avgPool2d(kernelSize: [3], stride: [2], padding: .uniform(1), countIncludePad: countIncludePad)
        }
        try expectGradients([x], "2×2 same") {
            try $0[0].avgPool2d(kernelSize: [2], stride: [1], padding: .same, countIncludePad: countIncludePad)
        }
        try expectGradients([x], "2×2 ceil") { try $0[0].avgPool2d(kernelSize: [2], ceilMode: true, countIncludePad: countIncludePad) }
    }

    /// 2×2 max pooling of a 4×4 image, by hand.
    @Test func maxPoolTwoByTwoOnFourByFour() throws {
        let x = try Tensor(shape: [1, 1, 4, 4], scalars: [1, 3, 2, 4,
                                                         5, 0, 7, 6,
                                                         9, 8, 11, 10,
                                                         12, 15, 14, 13]).requiringGradient()
        let y = try x.maxPool2d(kernelSize: [2])
        expectValues(y, shape: [1, 1, 2, 2], [5, 7, 15, 14])
        try y.backward(seed: try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
        expectValues(x.gradient!, shape: [1, 1, 4, 4], [0, 0, 0, 0,
                                                        1, 0, 2, 0,
                                                        0, 0, 0, 0,
                                                        0, 3, 4, 0])
    }

    @Test func maxPoolPaddingNeverWins() throws {
        let x = try Tensor(shape: [1, 1, 2, 2], scalars: [-1, -2, -3, -4])
        expectValues(try x.maxPool2d(kernelSize: [2], stride: [1], padding: .uniform(1)), shape: [1, 1, 3, 3],
                     [-1, -1, -2, -1, -1, -2, -3, -3, -4])
    }

    @Test func avgPoolValues() throws {
        let x = try Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))
        expectValues(try x.avgPool2d(kernelSize: [2]), shape: [1, 1, 2, 2], [2.5, 4.5, 10.5, 12.5])
        let small = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        // Each 2×2 window at stride 2 over the padded 4×4 holds one real pixel.
        expectValues(try small.avgPool2d(kernelSize: [2], padding: .uniform(1), countIncludePad: true),
                     shape: [1, 1, 2, 2], [0.25, 0.5, 0.75, 1])
        expectValues(try small.avgPool2d(kernelSize: [2], padding: .uniform(1), countIncludePad: false),
                     shape: [1, 1, 2, 2], [1, 2, 3, 4])
    }

    @Test func floorModeOutputSizes() throws {
        let x = try Tensor.zeros([1, 1, 5, 5])
        #expect(try x.maxPool2d(kernelSize: [2]).shape == [1, 1, 2, 2])
        #expect(try x.maxPool2d(kernelSize: [3], stride: [2], padding: .uniform(1)).shape == [1, 1, 3, 3])
        #expect(try x.avgPool2d(kernelSize: [2], stride: [1]).shape == [1, 1, 4, 4])
    }

    /// PyTorch's ceil mode: out = ceil((in + pads − k) / stride) + 1, minus a last window that would
    /// start in the bottom/right padding.
    @Test func ceilModeOutputSizes() throws {
        let x = try Tensor(shape: [1, 1, 5, 5], scalars: (0..<25).map(Float.init))
        let y = try x.maxPool2d(kernelSize: [2], ceilMode: true)
        // The last row and column form partial 1×2 / 2×1 / 1×1 windows.
        expectValues(y, shape: [1, 1, 3, 3], [6, 8, 9, 16, 18, 19, 21, 23, 24])
        // in 5, pad 1, k 2, stride 2: ceil gives 4 windows but the 4th would start at padded
        // position 6 = in + padBegin, entirely in the padding, so it is dropped: 3.
        #expect(try x.maxPool2d(kernelSize: [2], padding: .uniform(1), ceilMode: true).shape == [1, 1, 3, 3])
        let avg = try x.avgPool2d(kernelSize: [2], ceilMode: true, countIncludePad: false)
        expectValues(avg, shape: [1, 1, 3, 3], [3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24])
        // Window parts beyond the padded input are never counted, even with countIncludePad.
        let included = try x.avgPool2d(kernelSize: [2], ceilMode: true, countIncludePad: true)
        expectValues(included, shape: [1, 1, 3, 3], [3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24])
    }
}
