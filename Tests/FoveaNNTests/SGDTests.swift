import FoveaNN
import Testing

@Suite struct SGDTests {
    /// Two steps of PyTorch's rule, worked by hand for p = 1, constant gradient 0.5.
    @Test func momentumNesterovAndWeightDecayMatchHandComputedSteps() throws {
        func run(momentum: Float, nesterov: Bool, weightDecay: Float) throws -> [Float] {
            let p = Parameter(Tensor([1]))
            let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: momentum, weightDecay: weightDecay, nesterov: nesterov)
            var values: [Float] = []
            for _ in 0..<2 {
                sgd.zeroGradients()
                try (p.value * 0.5).sum().backward()
                sgd.step()
                values.append(p.value.scalars[0])
            }
            return values
        }
        // Plain: p = 1 − 0.05 = 0.95, then 0.90.
        #expect(try run(momentum: 0, nesterov: false, weightDecay: 0) == [0.95, 0.9])
        // Momentum 0.9: b1 = 0.5 → 0.95; b2 = 0.45 + 0.5 = 0.95 → 0.95 − 0.095 = 0.855.
        let m = try run(momentum: 0.9, nesterov: false, weightDecay: 0)
        #expect(abs(m[0] - 0.95) < 1e-6 && abs(m[1] - 0.855) < 1e-6)
        // Nesterov: step 1 g + 0.9·b = 0.95 → 1 − 0.095 = 0.905; b2 = 0.95, g + 0.9·0.95 = 1.355 → 0.7695.
        let n = try run(momentum: 0.9, nesterov: true, weightDecay: 0)
        #expect(abs(n[0] - 0.905) < 1e-6 && abs(n[1] - 0.7695) < 1e-6)
        // Weight decay 0.1: g = 0.5 + 0.1·1 = 0.6 → 0.94; g = 0.5 + 0.094 = 0.594 → 0.8806.
        let w = try run(momentum: 0, nesterov: false, weightDecay: 0.1)
        #expect(abs(w[0] - 0.94) < 1e-6 && abs(w[1] - 0.8806) < 1e-6)
    }

    @Test func invalidHyperparametersAreRefused() {
        let p = Parameter(Tensor([1]))
        #expect(throws: TensorError.self) { try SGD(parameters: [p], learningRate: .nan) }
        #expect(throws: TensorError.self) { try SGD(parameters: [p], learningRate: -0.1) }
        #expect(throws: TensorError.self) { try SGD(parameters: [p], learningRate: 0.1, nesterov: true) }
    }

    /// A linear classifier on two separable blobs: the loss must fall steadily.
    @Test func lossFallsOnASeparableProblem() throws {
        GlobalRandom.seed(1)
        let model = Sequential(try Linear(inputFeatures: 2, outputFeatures: 8), ReLU(), try Linear(inputFeatures: 8, outputFeatures: 2))
        var g = SeededGenerator(seed: 7)
        var xs: [Float] = [], ys: [Int32] = []
        for i in 0..<64 {
            let c = Int32(i % 2)
            xs += [Float(c) * 2 - 1 + 0.3 * g.nextNormal(), Float(c) * 2 - 1 + 0.3 * g.nextNormal()]
            ys.append(c)
        }
        let x = try Tensor(shape: [64, 2], scalars: xs)
        let sgd = try SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9)
        var losses: [Float] = []
        for _ in 0..<30 {
            sgd.zeroGradients()
            let loss = try crossEntropy(logits: model(x), labels: ys)
            try loss.backward()
            sgd.step()
            losses.append(try loss.item())
        }
        #expect(losses.last! < 0.2 * losses.first!, "losses \(losses)")
        #expect(try correctPredictions(logits: model(x), labels: ys) >= 62)
    }
}

@Suite struct PixelCrossEntropyTests {
    @Test func equalsCrossEntropyOverPixelRows() throws {
        var g = SeededGenerator(seed: 3)
        let logits = try Tensor.randomNormal([2, 3, 2, 2], using: &g)
        let labels: [Int32] = [0, 1, 2, 0, 1, 1, 2, 2]
        let rows = try logits.permuted([0, 2, 3, 1]).reshaped(to: [8, 3])
        let a = try pixelCrossEntropy(logits: logits, labels: labels).item(), b = try crossEntropy(logits: rows, labels: labels).item()
        #expect(a == b)
        #expect(throws: TensorError.self) { try pixelCrossEntropy(logits: logits, labels: [0]) }
        #expect(throws: TensorError.self) { try pixelCrossEntropy(logits: rows, labels: labels) }
    }
}
