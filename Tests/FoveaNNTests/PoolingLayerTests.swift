// Pooling layers: they call their ops, one model accepts several input sizes through adaptive
// and global pooling, max pooling indices round-trip through MaxUnpool2D, the weighted pool
// averages, and bad configurations throw at construction or at the first call.

import FoveaNN
import Testing
import _FoveaTestSupport

@Suite struct PoolingLayerTests {
    @Test func layersMatchTheirOps() throws {
        let x1 = try randomTensor([2, 3, 9]), x3 = try randomTensor([1, 2, 4, 5, 6])
        #expect(try MaxPool1D(kernelSize: 3, stride: 2, padding: .uniform(1))(x1) == x1.maxPool1d(kernelSize: 3, stride: 2, padding: .uniform(1)))
        #expect(try AvgPool1D(kernelSize: 2, ceilMode: true)(x1) == x1.avgPool1d(kernelSize: 2, ceilMode: true))
        #expect(try MaxPool3D(kernelSize: [2, 3, 2], dilation: [1, 1, 2])(x3) == x3.maxPool3d(kernelSize: [2, 3, 2], dilation: [1, 1, 2]))
        #expect(try AvgPool3D(kernelSize: 2, countIncludePad: false)(x3) == x3.avgPool3d(kernelSize: [2], countIncludePad: false))
        #expect(try LpPool1D(normType: 2, kernelSize: 3)(x1.abs()) == x1.abs().lpPool1d(normType: 2, kernelSize: 3))
        let x2 = try randomTensor([1, 2, 6, 6], 0.1, 1)
        #expect(try LpPool2D(normType: 3, kernelSize: [2, 3])(x2) == x2.lpPool2d(normType: 3, kernelSize: [2, 3]))
        #expect(try GlobalMaxPool()(x3).shape == [1, 2])
        #expect(try GlobalAvgPool(keepingDimensions: true)(x1).shape == [2, 3, 1])
        #expect(try AdaptiveMaxPool1D(outputSize: 4)(x1).shape == [2, 3, 4])
        #expect(try AdaptiveAvgPool3D(outputSize: [1, 2, 3])(x3).shape == [1, 2, 1, 2, 3])
    }

    /// conv → adaptive pool → linear: one model, several input sizes, one output size.
    @Test(arguments: [[7, 7], [12, 9], [28, 28], [3, 5]]) func variableInputSizesGiveAFixedOutput(size: [Int]) throws {
        GlobalRandom.seed(3)
        for pool: any Layer in [try AdaptiveAvgPool2D(outputSize: 2), try AdaptiveMaxPool2D(outputSize: [2, 2])] {
            let model = Sequential(try Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: 3, padding: .same), ReLU(),
                                   pool, Flatten(), try Linear(inputFeatures: 16, outputFeatures: 3))
            let y = try model(randomTensor([2, 1] + size))
            #expect(y.shape == [2, 3])
            try y.sum().backward()
            #expect(model.parameters.allSatisfy { $0.gradient != nil })
        }
        let oneD = Sequential(try AdaptiveAvgPool1D(outputSize: 3), Flatten())
        #expect(try oneD(randomTensor([2, 4, size[0] + size[1]])).shape == [2, 12])
        let threeD = Sequential(try AdaptiveMaxPool3D(outputSize: 2), Flatten())
        #expect(try threeD(randomTensor([1, 2, 2, size[0], size[1]])).shape == [1, 16])
    }

    @Test func maxPoolIndicesRoundTripThroughUnpool() throws {
        let pool = try MaxPool2D(kernelSize: 2), unpool = try MaxUnpool2D(kernelSize: 2)
        let x = try randomTensor([2, 3, 6, 6])
        let (y, indices) = try pool(withIndices: x)
        #expect(y == (try pool(x)))
        let restored = try unpool(y, indices: indices)
        #expect(restored.shape == x.shape)
        // Each maximum is back at its place, zeros elsewhere; pooling again recovers it.
        #expect(restored.scalars.filter { $0 != 0 }.count == y.count)
        let positive = x.abs() + 1
        let (pooled, positions) = try pool(withIndices: positive)
        #expect(try pool(unpool(pooled, indices: positions)) == pooled)
    }

    @Test func weightedAvgPoolAveragesEvenAtTheBorders() throws {
        let gaussian = try WeightedAvgPool2D(kernelSize: 3, sigma: 1, stride: 1, padding: .uniform(1))
        #expect(abs(gaussian.weights.scalars.reduce(0, +) - 1) < 1e-6)
        // A constant image stays constant: the weights are renormalised over the taps inside.
        let y = try gaussian(Tensor(repeating: 3, shape: [1, 2, 4, 5]))
        expectTensor(y, shape: [1, 2, 4, 5], [Float](repeating: 3, count: 40))
        let user = try WeightedAvgPool2D(weights: Tensor(shape: [1, 2], scalars: [1, 3]))
        expectTensor(try user(Tensor(shape: [1, 1, 1, 4], scalars: [4, 8, 0, 4])), shape: [1, 1, 1, 2], [7, 3])
        #expect(thrownDescription { try WeightedAvgPool2D(weights: Tensor(shape: [1, 2], scalars: [1, -1])) }?.contains("WeightedAvgPool2D") == true)
        #expect(thrownDescription { try WeightedAvgPool2D(kernelSize: 3, sigma: -1) }?.contains("sigma") == true)
    }

    @Test func badConfigurationsThrow() throws {
        #expect(thrownDescription { try MaxPool1D(kernelSize: 0) }?.contains("MaxPool1D kernel size") == true)
        #expect(thrownDescription { try AvgPool3D(kernelSize: [2, 2]) }?.contains("AvgPool3D kernel size") == true)
        #expect(thrownDescription { try MaxPool3D(kernelSize: 2)(Tensor.zeros([1, 1, 4, 4])) }?.contains("[N, C, D, H, W]") == true)
        #expect(thrownDescription { try MaxPool1D(kernelSize: 5)(Tensor.zeros([1, 1, 4])) }?.contains("does not fit") == true)
        #expect(thrownDescription { try AvgPool1D(kernelSize: 2, padding: .uniform(3))(Tensor.zeros([1, 1, 4])) }?.contains("half") == true)
        #expect(thrownDescription { try AdaptiveAvgPool2D(outputSize: 0) }?.contains("AdaptiveAvgPool2D") == true)
        #expect(thrownDescription { try AdaptiveAvgPool2D(outputSize: 2)(Tensor.zeros([1, 1, 4])) }?.contains("[N, C, H, W]") == true)
        #expect(thrownDescription { try LpPool2D(normType: -1, kernelSize: 2) }?.contains("norm type") == true)
        #expect(thrownDescription { try GlobalAvgPool()(Tensor.zeros([4, 4])) }?.contains("globalAvgPool") == true)
        #expect(thrownDescription { try MaxUnpool2D(kernelSize: [2, 2, 2]) }?.contains("MaxUnpool2D") == true)
    }
}
