// The README's example: train the small CNN on Fashion-MNIST for one epoch from your own code,
// then measure test accuracy. Run: swift run -c release fovea-example-train
import Fovea

GlobalRandom.seed(42)
let train = try ImageDataset.fashionMNIST(split: .train)
let test = try ImageDataset.fashionMNIST(split: .test)
let model = try Models.smallCNN()                      // conv→ReLU→pool ×2, linear→ReLU→linear
let optimizer = try SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
let loader = try DataLoader(dataset: train, batchSize: 64, shuffle: true, seed: 42)
for batch in loader.batches(epoch: 0) {
    optimizer.zeroGradients()
    let loss = try crossEntropy(logits: model(batch.images), labels: batch.labels)
    try loss.backward()
    optimizer.step()
}

model.eval()
var correct = 0
try GradientRecording.withoutGradients {
    for batch in try DataLoader(dataset: test, batchSize: 1000, shuffle: false, seed: 0).batches(epoch: 0) {
        correct += try correctPredictions(logits: model(batch.images), labels: batch.labels)
    }
}
print("test accuracy: \(Double(correct) / Double(test.count) * 100)%")
