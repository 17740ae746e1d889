// The properties that make CNNs work, shown with Fovea (the README's "The course in code").
// Run: swift run -c release fovea-course-properties
import Fovea

// 1. Sparse interactions and parameter sharing: the book's edge detector.
let edge = try Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: [1, 2], bias: false)
let analysis = try edge.analyze(input: [1, 1, 280, 320])
let dense = 320 * 280 * analysis.outputShape.reduce(1, *)
print("edge detector on 320×280: output \(analysis.outputShape), \(analysis.floatingPointOperations!) flops, \(edge.parameterCount) weights; dense matrix: \(dense) entries")

// 2. Equivariance: shifting the input shifts the feature map.
var generator = SeededGenerator(seed: 1)
let image = try Tensor.randomNormal([1, 1, 6, 6], using: &generator)
let kernel = try Tensor.randomNormal([1, 1, 3, 3], using: &generator)
let shifted = try Tensor.concatenated([try Tensor.zeros([1, 1, 6, 1]), try image.narrowed(axis: 3, range: 0..<5)], alongAxis: 3)
let a = try shifted.conv2d(weight: kernel), b = try image.conv2d(weight: kernel)
var interiorEqual = true
for i in 0..<4 {
    for j in 1..<4 where a.scalars[i * 4 + j] != b.scalars[i * 4 + j - 1] { interiorEqual = false }
}
print("conv(shift(x)) == shift(conv(x)) away from the border: \(interiorEqual)")

// 3. Invariance of max pooling (book Fig. 9.8): shift the detector row by one.
let detector: [Float] = [0.1, 1.0, 0.2, 0.1, 0.0, 0.3, 1.2, 0.4, 0.1, 0.9, 0.2, 0.0]
let moved: [Float] = [0.3] + detector.dropLast()
func pooled(_ v: [Float]) throws -> [Float] {
    try Tensor(shape: [1, 1, 1, v.count], scalars: v).maxPool2d(kernelSize: [1, 3], stride: [1, 1]).scalars
}
let (p, q) = (try pooled(detector), try pooled(moved))
print("detector outputs changed: \(zip(detector, moved).filter { $0 != $1 }.count) of \(detector.count); pooled outputs changed: \(zip(p, q).filter { $0 != $1 }.count) of \(p.count)")

// 4. True convolution commutes; cross-correlation does not.
let x = try Tensor(shape: [1, 1, 5], scalars: [1, 2, 0, -1, 3]), k = try Tensor(shape: [1, 1, 3], scalars: [2, -1, 0.5])
print("x∗k = \(try x.convolved(with: k, padding: .full).scalars)")
print("k∗x = \(try k.convolved(with: x, padding: .full).scalars)")
print("x⋆k = \(try x.convolution(weight: k, padding: .full).scalars) (cross-correlation)")

// 5. Receptive fields, layer by layer.
GlobalRandom.seed(0)
print(try Models.smallCNN().summary(input: [1, 1, 28, 28]))

// 6. Parameter sharing, from full to none: the same connectivity with three degrees of sharing.
let conv = try Conv2D(inputChannels: 3, outputChannels: 8, kernelSize: 5, bias: false)
let tiled = try TiledConv2D(inputChannels: 3, outputChannels: 8, kernelSize: 5, tile: 2, bias: false)
let local = try LocallyConnected2D(inputChannels: 3, outputChannels: 8, inputSize: [28, 28], kernelSize: 5, bias: false)
print("weights for 3→8 channels, 5×5, 28×28 input: convolution \(conv.parameterCount), tiled (t = 2) \(tiled.parameterCount), locally connected \(local.parameterCount)")
