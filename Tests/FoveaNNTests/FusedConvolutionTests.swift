// Convolution + batch norm + ReLU run as one step (Conv2D.callAsFunction(_:thenBatchNorm:thenReLU:),
// Sequential's fusion, Tensor.convolution(fusingReLU:), Tensor.convolutionInference): the same
// values and gradients as the layers one after another.

import FoveaNN
import Testing
import _FoveaTestSupport

@Suite struct FusedConvolutionTests {
    /// Each is one path of conv2dForward: im2col (25 taps), implicit GEMM (5×5, 16 channels),
    /// Winograd (3×3, 16 channels, batch 4 × 100 tiles).
    private static let shapes: [(input: [Int], channels: Int, kernel: Int)] = [
        ([2, 1, 12, 12], 6, 5), ([2, 16, 10, 10], 32, 5), ([4, 16, 20, 20], 16, 3),
    ]

    @Test func fusedReLUGivesBitIdenticalValuesAndGradients() throws {
        for (index, shape) in Self.shapes.enumerated() {
            let x = try randomTensor(shape.input, seed: UInt64(40 + index)).requiringGradient()
            let conv = try GlobalRandom.withSeed(UInt64(index)) {
                try Conv2D(inputChannels: shape.input[1], outputChannels: shape.channels, kernelSize: SpatialSize(integerLiteral: shape.kernel),
                           padding: .same)
            }
            let fused = try conv(x, thenBatchNorm: BatchNorm2D?.none, thenReLU: true)
            let unfused = try conv(x).relu()
            #expect(fused.scalars == unfused.scalars, "values, \(shape)")
            let upstream = try randomTensor(fused.shape, seed: 9)
            let leaves = [x, conv.weight.value, conv.bias!.value]
            func gradients(through y: Tensor) throws -> [[Float]] {
                for leaf in leaves { leaf.zeroGradient() }
                try (y * upstream).sum().backward()
                return leaves.map { $0.gradient?.scalars ?? [] }
            }
            let viaFused = try gradients(through: fused), viaUnfused = try gradients(through: unfused)
            #expect(viaFused.allSatisfy { !$0.isEmpty } && viaFused == viaUnfused, "gradients, \(shape)")
        }
    }

    /// Small weights and biases of ±4 keep every pre-activation at least 1.3 from ReLU's kink (a
    /// finite difference across it would be wrong for the unfused ReLU too), and half the channels
    /// always off, so the masking of the gradient is what is checked.
    @Test func fusedReLUPassesTheFiniteDifferenceCheck() throws {
        let x = try randomTensor([2, 3, 6, 6], seed: 21), w = try randomTensor([4, 3, 3, 3], -0.1, 0.1, seed: 22)
        let b = try Tensor(shape: [4], scalars: [4, -4, 4, -4])
        try expectLayerGradients([x, w, b]) {
            try $0[0].convolution(weight: $0[1], bias: $0[2], padding: .same, fusingReLU: true)
        }
    }

    /// Evaluation keeps the weights packed between forward passes; a step of the optimizer (an
    /// in-place update of the parameter) must reach the next evaluation.
    @Test func evaluationSeesEachOptimizerStep() throws {
        for (index, shape) in Self.shapes.enumerated() {
            let conv = try GlobalRandom.withSeed(UInt64(index)) {
                try Conv2D(inputChannels: shape.input[1], outputChannels: shape.channels, kernelSize: SpatialSize(integerLiteral: shape.kernel),
                           padding: .same)
            }
            let x = try randomTensor(shape.input, seed: UInt64(50 + index))
            let optimizer = try SGD(parameters: conv.parameters, learningRate: 0.1)
            for step in 0..<2 {
                let evaluated = try GradientRecording.withoutGradients { try conv(x) }
                let reference = try x.conv2d(weight: Tensor(shape: conv.weight.shape, scalars: conv.weight.value.scalars),
                                             bias: conv.bias!.value.detached(), padding: .same)
                #expect(evaluated == reference, "step \(step), \(shape)")
                #expect(try GradientRecording.withoutGradients { try conv(x) } == evaluated)
                try conv(x).squared().sum().backward()
                optimizer.step()
                optimizer.zeroGradients()
            }
        }
    }

    @Test func sequentialFusesConvolutionBatchNormAndReLU() throws {
        let model = try GlobalRandom.withSeed(3) {
            Sequential(try Conv2D(inputChannels: 16, outputChannels: 16, kernelSize: 3, padding: .same),
                       try BatchNorm2D(featureCount: 16), ReLU(),
                       try Conv2D(inputChannels: 16, outputChannels: 8, kernelSize: 5, padding: .same), ReLU(),
                       try Conv2D(inputChannels: 8, outputChannels: 4, kernelSize: 1))
        }
        let x = try randomTensor([4, 16, 20, 20], seed: 11)
        /// The layers one after another, without Sequential.
        func layerByLayer() throws -> Tensor { try model.layers.reduce(x) { try $1($0) } }

        // Training mode: batch statistics, nothing folded, bit-identical.
        model.train()
        #expect(try model(x).scalars == layerByLayer().scalars)
        // Give the running statistics something other than 0 and 1, then evaluate without
        // gradients: the batch norm is folded into the first convolution's output.
        for _ in 0..<3 { _ = try model(try randomTensor([4, 16, 20, 20], 0, 2, seed: 12)) }
        model.eval()
        let folded = try GradientRecording.withoutGradients { try model(x) }
        let separate = try GradientRecording.withoutGradients { try layerByLayer() }
        #expect(allClose(folded.scalars, separate.scalars, relative: 1e-5, absolute: 1e-5))
        // With gradient recording on, evaluation takes the unfolded layers.
        #expect(try model(x).scalars == separate.scalars)
    }

    @Test func convolutionInferenceRefusesToBeRecorded() throws {
        let x = try randomTensor([1, 2, 5, 5]).requiringGradient()
        let w = try randomTensor([3, 2, 3, 3], seed: 2), s = try randomTensor([3], seed: 3), t = try randomTensor([3], seed: 4)
        let error = #expect(throws: TensorError.self) { _ = try x.convolutionInference(weight: w, scale: s, shift: t) }
        #expect(error?.description.contains("not differentiable") == true)
        let badScale = try randomTensor([2], seed: 5)
        #expect(throws: TensorError.self) {
            _ = try GradientRecording.withoutGradients { try x.convolutionInference(weight: w, scale: badScale, shift: t) }
        }
    }
}
