// Batch normalisation ops: normalised output by hand, finite-difference gradients in training
// (batch statistics) and inference mode for the input, weight and bias, and shape errors.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct BatchNormOpTests {
    @Test func trainingNormalisesEachChannel() throws {
        let x = try Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 6])
        let (y, mean, variance) = try x.batchNormTraining(weight: nil, bias: nil, epsilon: 0)
        expectValues(mean, shape: [1], [3])
        expectValues(variance, shape: [1], [3.5])
        let s = Float(3.5).squareRoot()
        expectValues(y, shape: [2, 1, 2], [-2 / s, -1 / s, 0, 3 / s])
    }

    @Test func inferenceUsesTheGivenStatistics() throws {
        let x = try Tensor(shape: [1, 2, 1], scalars: [4, 4])
        let y = try x.batchNormInference(mean: Tensor([2, 0]), variance: Tensor([4, 1]), weight: Tensor([1, 3]),
                                         bias: Tensor([0.5, -1]), epsilon: 0)
        expectValues(y, shape: [1, 2, 1], [1.5, 11])
    }

    @Test(arguments: [[3, 2], [2, 3, 4], [2, 2, 3, 3], [2, 2, 2, 2, 3]])
    func trainingGradients(shape: [Int]) throws {
        let c = shape[1]
        let inputs = [try uniform(shape, seed: 3), try uniform([c], 0.5, 1.5, seed: 4), try uniform([c], seed: 5)]
        let checker = GradientChecker(step: 1e-3, relativeTolerance: 2e-2, absoluteTolerance: 2e-3)
        try expectGradients(inputs, checker: checker, "train \(shape)") { v in
            try v[0].batchNormTraining(weight: v[1], bias: v[2]).output
        }
        try expectGradients([inputs[0]], checker: checker, "train, no affine \(shape)") { v in
            try v[0].batchNormTraining(weight: nil, bias: nil).output
        }
        let mean = try uniform([c], seed: 6), variance = try uniform([c], 0.5, 2, seed: 8)
        try expectGradients(inputs, checker: checker, "inference \(shape)") { v in
            try v[0].batchNormInference(mean: mean, variance: variance, weight: v[1], bias: v[2])
        }
    }

    @Test func errors() throws {
        let x = try Tensor.zeros([2, 3, 4])
        #expect(errorDescription { try x.batchNormTraining(weight: Tensor([1, 2]), bias: nil) }?.contains("weight") == true)
        #expect(errorDescription { try Tensor.zeros([1, 3]).batchNormTraining(weight: nil, bias: nil) }?.contains("at least 2") == true)
        #expect(errorDescription { try Tensor([1, 2]).batchNormTraining(weight: nil, bias: nil) }?.contains("[N, C") == true)
        _ = errorDescription { try x.batchNormInference(mean: Tensor([0]), variance: Tensor([1, 1, 1]), weight: nil, bias: nil) }
    }
}
