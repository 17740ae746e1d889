// Whole-network inference cases of `fovea bench`: torchvision's AlexNet and GoogLeNet on a random
// 3×224×224 batch of 1 or 16 images (`alexnet_infer_b1`, …, `googlenet_infer_b16`).
//
// The models run through the full library (tensors, layers) in evaluation mode and without
// recording gradients, which is what PyTorch does under `model.eval()` + `torch.no_grad()` and
// what ONNX Runtime does by construction. Weights are random: speed does not depend on them.
// FLOPs are 2 per multiply-add of the convolutions and linear layers, as `Layer.summary(input:)`
// counts them (AlexNet 714,188,480 and GoogLeNet 1,498,376,192 per image).

import Fovea

extension BenchCase {
    /// The inference cases, as catalog entries, in report order.
    static let inferenceEntries: [CatalogEntry] = [
        ("alexnet_infer_b1", { inference("alexnet_infer_b1", batch: 1) { try Models.alexNet(.torchvision) } }),
        ("alexnet_infer_b16", { inference("alexnet_infer_b16", batch: 16) { try Models.alexNet(.torchvision) } }),
        ("googlenet_infer_b1", { inference("googlenet_infer_b1", batch: 1) { try Models.googLeNet(.torchvision) } }),
        ("googlenet_infer_b16", { inference("googlenet_infer_b16", batch: 16) { try Models.googLeNet(.torchvision) } }),
    ]

    /// One forward pass of `makeModel()` in evaluation mode, without gradients, on a random
    /// `[batch, 3, 224, 224]` input.
    static func inference(_ name: String, batch: Int, model makeModel: () throws -> any Layer) -> BenchCase {
        GlobalRandom.seed(1)
        var generator = SeededGenerator(seed: 3)
        let setup = Result {
            let model = try makeModel()
            model.setTraining(false)
            let images = try Tensor.randomNormal([batch, 3, 224, 224], using: &generator)
            // Counted on one image: the count is linear in the batch and a summary runs layers.
            let macsPerImage = try model.summary(input: [1, 3, 224, 224]).multiplyAdds ?? 0
            return (model: model, images: images, macsPerImage: macsPerImage)
        }
        // A setup error surfaces when the case runs; until then the count is 0.
        let flops = (try? setup.get()).map { 2 * Double($0.macsPerImage * batch) } ?? 0
        return BenchCase(name: name, flops: flops, images: batch) {
            let (model, images, _) = try setup.get()
            _ = try GradientRecording.withoutGradients { try model(images) }
        }
    }
}
