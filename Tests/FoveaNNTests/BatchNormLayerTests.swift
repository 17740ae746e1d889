// BatchNorm1D/2D/3D layers: running statistics follow PyTorch's rule (biased variance to
// normalise, unbiased into running_var, momentum and cumulative average), evaluation uses them,
// parameter and buffer names, and configuration errors.

import FoveaNN
import Testing
import _FoveaTestSupport

@Suite struct BatchNormLayerTests {
    @Test func runningStatisticsFollowPyTorch() throws {
        let layer = try BatchNorm1D(featureCount: 1)
        let x = try Tensor(shape: [4, 1], scalars: [1, 2, 3, 6])  // mean 3, biased var 3.5, unbiased 14/3
        let y = try layer(x)
        let s = Float(3.5 + 1e-5).squareRoot()
        expectTensor(y, shape: [4, 1], [-2 / s, -1 / s, 0, 3 / s])
        let buffers = Dictionary(uniqueKeysWithValues: layer.namedBuffers.map { ($0.name, $0.buffer.value.scalars) })
        #expect(allClose(buffers["running_mean"]!, [0.3]))
        #expect(allClose(buffers["running_var"]!, [0.9 + 0.1 * 14 / 3]))
        #expect(buffers["num_batches_tracked"] == [1])

        layer.eval()
        let z = try layer(Tensor(shape: [1, 1], scalars: [0.3]))
        expectTensor(z, shape: [1, 1], [0])
        #expect(layer.namedBuffers.first { $0.name == "num_batches_tracked" }!.buffer.value.scalars == [1])
    }

    @Test func cumulativeAverageWithoutMomentum() throws {
        let layer = try BatchNorm1D(featureCount: 1, momentum: nil)
        _ = try layer(Tensor(shape: [2, 1], scalars: [0, 2]))  // mean 1, unbiased var 2
        _ = try layer(Tensor(shape: [2, 1], scalars: [4, 4]))  // mean 4, unbiased var 0
        #expect(allClose(layer.core.runningMean!.value.scalars, [2.5]))
        #expect(allClose(layer.core.runningVariance!.value.scalars, [1]))
    }

    @Test func namesShapesAndGradients() throws {
        let model = Sequential(try BatchNorm2D(featureCount: 3), try BatchNorm3D(featureCount: 3, affine: false))
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias"])
        #expect(model.namedBuffers.map(\.name) == ["0.running_mean", "0.running_var", "0.num_batches_tracked",
                                                   "1.running_mean", "1.running_var", "1.num_batches_tracked"])
        let bn = try BatchNorm2D(featureCount: 2)
        let x = try randomTensor([3, 2, 2, 2])
        try expectLayerGradients([x], checker: GradientChecker(step: 1e-3, relativeTolerance: 2e-2, absoluteTolerance: 2e-3)) {
            try bn($0[0])
        }
        try bn(x).squared().sum().backward()
        #expect(bn.core.weight!.gradient?.shape == [2] && bn.core.bias!.gradient?.shape == [2])
        let bn3 = try BatchNorm3D(featureCount: 2)
        #expect(try bn3(randomTensor([2, 2, 2, 3, 2])).shape == [2, 2, 2, 3, 2])
    }

    @Test func withoutRunningStatisticsEvaluationUsesTheBatch() throws {
        let layer = try BatchNorm1D(featureCount: 1, trackRunningStatistics: false)
        layer.eval()
        #expect(layer.namedBuffers.isEmpty)
        expectTensor(try layer(Tensor(shape: [2, 1], scalars: [1, 3])), shape: [2, 1], [-0.999995, 0.999995])
    }

    @Test func badConfigurationsThrow() throws {
        #expect(thrownDescription { try BatchNorm2D(featureCount: 0) }?.contains("BatchNorm2D") == true)
        #expect(thrownDescription { try BatchNorm1D(featureCount: 2, momentum: 1.5) }?.contains("1.5") == true)
        #expect(thrownDescription { try BatchNorm1D(featureCount: 2, epsilon: -1) }?.contains("epsilon") == true)
        let bn = try BatchNorm2D(featureCount: 3)
        #expect(thrownDescription { try bn(Tensor.zeros([2, 4, 2, 2])) }?.contains("C = 3") == true)
        #expect(thrownDescription { try bn(Tensor.zeros([2, 3, 2])) }?.contains("BatchNorm2D") == true)
        #expect(thrownDescription { try bn(Tensor.zeros([1, 3, 1, 1])) }?.contains("BatchNorm2D") == true)
    }
}
