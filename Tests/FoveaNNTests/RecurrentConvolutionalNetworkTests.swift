// The recurrent convolutional network (Pinheiro & Collobert 2014; Goodfellow et al. Fig. 9.17):
// per-pixel output shapes, one set of kernels shared by every step, gradients that reach the
// label kernel W only through the recurrence (checked against finite differences), a tiny
// labelling task it overfits, and the loss and pixel accuracy that train and measure it
// (`fovea train --model rcn` on the shapes segmentation set is tested in FoveaCLITests).

import FoveaModels
import FoveaNN
import Testing
import _FoveaTestSupport

@Suite struct RecurrentConvolutionalNetworkTests {
    @Test func everyStepGivesPerPixelLogits() throws {
        let net = try Models.recurrentConvolutionalNetwork(inputChannels: 2, classes: 3, hiddenChannels: 8, kernelSize: 3, steps: 3)
        let x = try randomTensor([2, 2, 9, 7])
        let steps = try net.stepLogits(x)
        #expect(steps.count == 3 && steps.allSatisfy { $0.shape == [2, 3, 9, 7] })
        #expect(try net(x).scalars == steps[2].scalars)
        #expect(net.namedParameters.map(\.name) == ["imageKernel.weight", "imageKernel.bias", "labelKernel.weight",
                                                    "outputKernel.weight", "outputKernel.bias"])
        #expect(thrownDescription { try RecurrentConvolutionalNetwork(inputChannels: 1, classes: 2, kernelSize: 4) } != nil)
        #expect(thrownDescription { try net(randomTensor([1, 3, 9, 7])) } != nil)
    }

    @Test func stepsShareOneSetOfKernels() throws {
        let net = try Models.recurrentConvolutionalNetwork(classes: 3, hiddenChannels: 8, kernelSize: 3, steps: 1)
        let count = net.parameterCount
        // 8·1·9 + 8 (U) + 8·3·9 (W) + 3·8 + 3 (V), whatever T is.
        #expect(count == 80 + 216 + 27)
        let x = try randomTensor([1, 1, 8, 8])
        let once = try net(x)
        net.steps = 3
        #expect(net.parameterCount == count)
        let thrice = try net.stepLogits(x)
        // The first of three steps is the one-step network, because the kernels are the same.
        #expect(allClose(thrice[0].scalars, once.scalars))
        #expect(!allClose(thrice[2].scalars, once.scalars), "later steps refine the labels")
        net.steps = 0
        #expect(net.steps == 1)
    }

    @Test func gradientsReachTheLabelKernelThroughTheRecurrence() throws {
        GlobalRandom.seed(3)
        let net = try Models.recurrentConvolutionalNetwork(classes: 3, hiddenChannels: 4, kernelSize: 3, steps: 1)
        let x = try randomTensor([1, 1, 6, 6], seed: 4)
        let labels = (0..<36).map { Int32($0 % 3) }
        func loss() throws -> Tensor { try pixelCrossEntropy(logits: net(x), labels: labels) }

        try loss().backward()
        #expect(net.labelKernel.weight.gradient == nil, "with T = 1 the label kernel is never used")
        #expect(net.imageKernel.weight.gradient != nil)

        net.steps = 3
        net.zeroGradients()
        try loss().backward()
        let analytic = try #require(net.labelKernel.weight.gradient).scalars
        #expect(analytic.contains { $0 != 0 })
        // Central differences on a few elements of W.
        let h: Float = 1e-2
        for index in [0, 17, 50, 107] {
            net.labelKernel.weight.update { $0[index] += h }
            let plus = try GradientRecording.withoutGradients { try loss().item() }
            net.labelKernel.weight.update { $0[index] -= 2 * h }
            let minus = try GradientRecording.withoutGradients { try loss().item() }
            net.labelKernel.weight.update { $0[index] += h }
            let numeric = (plus - minus) / (2 * h)
            #expect(Swift.abs(numeric - analytic[index]) <= 5e-4 + 5e-2 * Swift.abs(numeric), "W[\(index)]: \(analytic[index]) vs \(numeric)")
        }
    }

    @Test func overfitsATinyLabellingTaskAndIsDeterministic() throws {
        GlobalRandom.seed(6)
        let net = try Models.recurrentConvolutionalNetwork(classes: 3, hiddenChannels: 16, kernelSize: 3, steps: 2)
        // Pixels are −1, 0 or 1 and labelled 0, 1, 2 accordingly.
        var generator = SeededGenerator(seed: 8)
        let labels = (0..<(4 * 10 * 10)).map { _ in Int32(generator.nextIndex(below: 3)) }
        let x = try Tensor(shape: [4, 1, 10, 10], scalars: labels.map { Float($0) - 1 })
        let optimizer = try SGD(parameters: net.parameters, learningRate: 0.5, momentum: 0.9)
        var losses: [Float] = []
        for _ in 0..<200 {
            optimizer.zeroGradients()
            let loss = try pixelCrossEntropy(logits: net(x), labels: labels)
            try loss.backward()
            optimizer.step()
            losses.append(try loss.item())
            if losses.count > 1, losses.last! < losses[0] / 10 { break }
        }
        #expect(losses.last! < losses[0] / 10, "losses \(losses)")
        net.eval()
        #expect(try net(x).scalars == net(x).scalars)
    }
}

@Suite struct PixelLabellingMetricsTests {
    @Test func stepLossIsTheSumOfEveryStepsPixelLoss() throws {
        let net = try GlobalRandom.withSeed(4) { try Models.recurrentConvolutionalNetwork(classes: 3, hiddenChannels: 4, kernelSize: 3, steps: 3) }
        let x = try randomTensor([2, 1, 5, 6], seed: 9)
        let labels = (0..<60).map { Int32($0 % 3) }
        let (loss, steps) = try net.stepLoss(x, labels: labels)
        let sum = try steps.map { try pixelCrossEntropy(logits: $0, labels: labels).item() }.reduce(0, +)
        #expect(abs(try loss.item() - sum) < 1e-5 && steps.count == 3)
    }

    @Test func pixelAccuracyCountsAllAndForegroundPixels() throws {
        // Two pixels of one image, three classes: pixel 0 predicts class 2, pixel 1 class 0.
        let logits = try Tensor(shape: [1, 3, 1, 2], scalars: [0, 5, 1, 0, 3, 0])
        var accuracy = PixelAccuracy()
        try accuracy.add(logits: logits, labels: [2, 1])
        #expect(accuracy.correct == 1 && accuracy.total == 2 && accuracy.foregroundCorrect == 1 && accuracy.foregroundTotal == 2)
        try accuracy.add(logits: logits, labels: [0, 0])
        #expect(accuracy.accuracy == 0.5 && accuracy.foregroundAccuracy == 0.5 && accuracy.foregroundTotal == 2)
        #expect(throws: TensorError.self) { try accuracy.add(logits: logits, labels: [0]) }
    }
}
