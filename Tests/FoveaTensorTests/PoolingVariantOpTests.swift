// Adaptive, global, indexed max pooling with unpooling, Lp and weighted-average pooling ops:
// hand-worked values, gradient checks and errors.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct PoolingVariantOpTests {
    @Test func adaptivePoolsByHandAndGradients() throws {
        let x = try Tensor(shape: [1, 1, 5], scalars: [1, 5, 2, 4, 3])
        expectValues(try x.adaptiveAvgPool(outputSize: [3]), shape: [1, 1, 3], [3, 11.0 / 3, 3.5])
        expectValues(try x.adaptiveMaxPool(outputSize: [3]), shape: [1, 1, 3], [5, 5, 4])
        let image = try kinkFreeTensor([2, 2, 5, 7])
        try expectGradients([image], "adaptive avg 2-D") { try $0[0].adaptiveAvgPool(outputSize: [3, 2]) }
        try expectGradients([image], "adaptive max 2-D") { try $0[0].adaptiveMaxPool(outputSize: [2, 3]) }
        let volume = try kinkFreeTensor([1, 2, 3, 4, 5])
        try expectGradients([volume], "adaptive avg 3-D") { try $0[0].adaptiveAvgPool(outputSize: [2]) }
        try expectGradients([volume], "adaptive max 3-D") { try $0[0].adaptiveMaxPool(outputSize: [2, 3, 2]) }
        #expect(allClose(try image.adaptiveAvgPool(outputSize: [1]).scalars, try image.globalAvgPool(keepingDimensions: true).scalars))
    }

    @Test func globalPools() throws {
        let x = try Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, -1, -5, -2, -3])
        expectValues(try x.globalAvgPool(), shape: [1, 2], [2.5, -2.75])
        expectValues(try x.globalMaxPool(), shape: [1, 2], [4, -1])
        expectValues(try x.globalMaxPool(keepingDimensions: true), shape: [1, 2, 1, 1], [4, -1])
        let v = try kinkFreeTensor([2, 3, 2, 2, 3])
        try expectGradients([v], "global max 3-D") { try $0[0].globalMaxPool() }
        try expectGradients([v], "global avg 3-D") { try $0[0].globalAvgPool() }
        #expect(errorDescription { try Tensor.zeros([2, 3]).globalAvgPool() }?.contains("globalAvgPool") == true)
    }

    @Test func maxPoolIndicesAndUnpool() throws {
        let x = try Tensor(shape: [1, 1, 4, 4], scalars: [1, 3, 2, 4, 5, 0, 7, 6, 9, 8, 11, 10, 12, 15, 14, 13])
        let (y, indices) = try x.maxPool2dWithIndices(kernelSize: [2])
        expectValues(y, shape: [1, 1, 2, 2], [5, 7, 15, 14])
        #expect(indices.values == [4, 6, 13, 14] && indices.inputSize == [4, 4])
        let restored = try y.maxUnpool2d(indices: indices, kernelSize: [2])
        expectValues(restored, shape: [1, 1, 4, 4], [0, 0, 0, 0, 5, 0, 7, 0, 0, 0, 0, 0, 0, 15, 14, 0])
        // An odd size needs the output size: 5 → 2 → (2 − 1)·2 + 2 = 4 by default, too small for
        // indices into a 5-wide plane (PyTorch refuses it too).
        let odd = try kinkFreeTensor([2, 3, 5, 5])
        let (pooled, oddIndices) = try odd.maxPool2dWithIndices(kernelSize: [2])
        #expect(errorDescription { try pooled.maxUnpool2d(indices: oddIndices, kernelSize: [2]) }?.contains("4×4") == true)
        #expect(try pooled.maxUnpool2d(indices: oddIndices, kernelSize: [2], outputSize: oddIndices.inputSize).shape == [2, 3, 5, 5])
        try expectGradients([odd], "maxPool2dWithIndices") { try $0[0].maxPool2dWithIndices(kernelSize: [3], stride: [2], padding: .uniform(1)).output }
        let values = try uniform(pooled.shape)
        try expectGradients([values], "maxUnpool2d") { try $0[0].maxUnpool2d(indices: oddIndices, kernelSize: [2], outputSize: [5, 5]) }
    }

    @Test func unpoolErrors() throws {
        let (y, indices) = try Tensor.zeros([1, 1, 4, 4]).maxPool2dWithIndices(kernelSize: [2])
        #expect(errorDescription { try Tensor.zeros([1, 2, 2, 2]).maxUnpool2d(indices: indices, kernelSize: [2]) }?.contains("indices") == true)
        #expect(errorDescription { try y.maxUnpool2d(indices: indices, kernelSize: [2], outputSize: [1, 1]) }?.contains("outside") == true)
        #expect(errorDescription { try y.maxUnpool2d(indices: indices, kernelSize: [0]) }?.contains("maxUnpool2d") == true)
    }

    @Test func lpPoolByHandAndGradients() throws {
        let x = try Tensor(shape: [1, 1, 4], scalars: [3, 4, 1, 2])
        expectValues(try x.lpPool1d(normType: 2, kernelSize: 2), shape: [1, 1, 2], [5, Float(5).squareRoot()])
        expectValues(try x.lpPool1d(normType: 1, kernelSize: 2), shape: [1, 1, 2], [7, 3])
        let image = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 2, 4])
        expectValues(try image.lpPool2d(normType: 2, kernelSize: [2]), shape: [1, 1, 1, 1], [5])
        let positive = try uniform([2, 2, 5, 6], 0.5, 2)
        try expectGradients([positive], "lpPool2d p=2") { try $0[0].lpPool2d(normType: 2, kernelSize: [2, 3], stride: [1, 2]) }
        try expectGradients([positive], "lpPool2d p=3 ceil") { try $0[0].lpPool2d(normType: 3, kernelSize: [2], ceilMode: true) }
        try expectGradients([try uniform([2, 3, 7], 0.5, 2)], "lpPool1d") { try $0[0].lpPool1d(normType: 1.5, kernelSize: 3, stride: 2) }
        #expect(errorDescription { try x.lpPool1d(normType: 0, kernelSize: 2) }?.contains("norm type") == true)
        #expect(errorDescription { try x.lpPool2d(normType: 2, kernelSize: [2]) }?.contains("lpPool2d: input of shape [1, 1, 4]") == true)
        #expect(errorDescription { try x.lpPool1d(normType: 2, kernelSize: 5) }?.contains("lpPool1d") == true)
    }

    /// A 3×3 binomial window over a 3×3 ramp, stride 1, padding 1, worked by hand. At the centre
    /// the whole window is inside: Σ w·x / 16 = 64/16 = 4. At the top-left corner only the taps
    /// of weight 4, 2, 2, 1 (on x = 0, 1, 3, 4) are inside: (0·4 + 1·2 + 3·2 + 4·1) / 9 = 4/3.
    @Test func weightedAvgPoolByHand() throws {
        let x = try Tensor(shape: [1, 1, 3, 3], scalars: (0..<9).map(Float.init))
        let window = try Tensor(shape: [3, 3], scalars: [1, 2, 1, 2, 4, 2, 1, 2, 1])
        let y = try x.weightedAvgPool2d(weights: window, stride: [1], padding: .uniform(1))
        #expect(y.shape == [1, 1, 3, 3])
        #expect(allClose([y.scalars[0], y.scalars[4]], [4.0 / 3, 4]))
        // Top edge centre: taps of weight 2, 4, 2 (x = 0, 1, 2) and 1, 2, 1 (x = 3, 4, 5): 24/12.
        #expect(allClose([y.scalars[1]], [2]))
        try expectGradients([try uniform([2, 2, 5, 5])], "weightedAvgPool2d") {
            try $0[0].weightedAvgPool2d(weights: window, stride: [2], padding: .uniform(1))
        }
    }

    @Test func gaussianWindow() throws {
        let w = try Tensor.gaussianWindow(size: [3], sigma: 1)
        let s = w.scalars
        #expect(abs(s.reduce(0, +) - 1) < 1e-6)
        #expect(abs(s[1] / s[4] - 0.60653066) < 1e-5 && abs(s[0] / s[4] - 0.36787944) < 1e-5)
        #expect(errorDescription { try Tensor.gaussianWindow(size: [3], sigma: 0) }?.contains("sigma") == true)
        let zeroCorner = try Tensor(shape: [2, 2], scalars: [0, 0, 0, 1])
        #expect(errorDescription { try Tensor.zeros([1, 1, 2, 2]).weightedAvgPool2d(weights: zeroCorner, stride: [1], padding: .uniform(1)) }?
            .contains("no positive weight") == true)
    }
}
