// Training-step benchmark cases: one full SGD step (forward, loss, backward, update) of a model
// on a fixed batch, the unit in which training speed is quoted (img/s).

import Fovea

extension BenchCase {
    /// One SGD step of the default small CNN on a random 1×28×28 batch.
    ///
    /// FLOPs per image, counted as 2 per multiply-add: forward conv1 627,200 + conv2 10,035,200 +
    /// fc1 401,408 + fc2 1,280 MACs; backward adds the weight gradients of all four and the input
    /// gradients of all but conv1 (whose input needs none): 32,568,064 MACs in all.
    static func trainSmallCNN(batch: Int) -> BenchCase {
        GlobalRandom.seed(1)
        let macsPerImage = 627_200.0 * 2 + (10_035_200 + 401_408 + 1_280) * 3
        var generator = SeededGenerator(seed: 2)
        let labels = (0..<batch).map { _ in Int32(generator.nextIndex(below: 10)) }
        let setup = Result {
            let model = try Models.smallCNN()
            let images = try Tensor.randomNormal([batch, 1, 28, 28], using: &generator)
            let optimizer = try SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
            return (model, images, optimizer)
        }
        return BenchCase(name: "train_small_cnn_b64", flops: 2 * macsPerImage * Double(batch), images: batch) {
            let (model, images, optimizer) = try setup.get()
            optimizer.zeroGradients()
            try crossEntropy(logits: model(images), labels: labels).backward()
            optimizer.step()
        }
    }
}
