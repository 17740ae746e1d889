// Training-step benchmark cases: one full SGD step (forward, loss, backward, update) of a model
// on a fixed batch, the unit in which training speed is quoted (img/s).

import Fovea

extension BenchCase {
    /// The training cases, as catalog entries: the default small CNN, LeNet-5 and the recipe's
    /// small VGG (batch norm, dropout) at batch 64.
    static let trainingEntries: [CatalogEntry] = [
        ("train_small_cnn_b64", { trainingStep("train_small_cnn_b64", batch: 64) { try Models.smallCNN() } }),
        ("train_lenet5_b64", { trainingStep("train_lenet5_b64", batch: 64) { try Models.leNet5() } }),
        ("train_small_vgg_b64", { trainingStep("train_small_vgg_b64", batch: 64) { try Models.smallVGG() } }),
    ]

    /// One SGD step (momentum 0.9) of `makeModel()` on a random 1×28×28 batch of `batch` images.
    /// FLOPs are 2 per multiply-add, counted by ``trainingMultiplyAdds(of:input:)``.
    static func trainingStep(_ name: String, batch: Int, model makeModel: () throws -> Sequential) -> BenchCase {
        GlobalRandom.seed(1)
        var generator = SeededGenerator(seed: 2)
        let labels = (0..<batch).map { _ in Int32(generator.nextIndex(below: 10)) }
        let setup = Result {
            let model = try makeModel()
            let images = try Tensor.randomNormal([batch, 1, 28, 28], using: &generator)
            let optimizer = try SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
            let macsPerImage = try trainingMultiplyAdds(of: model, input: [1, 1, 28, 28])
            return (model: model, images: images, optimizer: optimizer, macsPerImage: macsPerImage)
        }
        // A setup error surfaces when the case runs; until then the count is 0.
        let flops = (try? setup.get()).map { 2 * $0.macsPerImage * Double(batch) } ?? 0
        return BenchCase(name: name, flops: flops, images: batch) {
            let (model, images, optimizer, _) = try setup.get()
            optimizer.zeroGradients()
            try crossEntropy(logits: model(images), labels: labels).backward()
            optimizer.step()
        }
    }

    /// Multiply-adds of one training step on `input`: every layer's forward pass and weight
    /// gradient, and the input gradient of every layer but the first one that computes (the
    /// images need no gradient; Fovea and PyTorch both skip it). The small CNN: 3 × 11,065,088 −
    /// 627,200 = 32,568,064 per image; LeNet-5: 3 × 416,520 − 117,600 = 1,131,960.
    static func trainingMultiplyAdds(of model: any Layer, input: [Int]) throws -> Double {
        let macs = try model.summary(input: input).rows.compactMap(\.multiplyAdds).filter { $0 > 0 }
        return Double(3 * macs.reduce(0, +) - (macs.first ?? 0))
    }
}
