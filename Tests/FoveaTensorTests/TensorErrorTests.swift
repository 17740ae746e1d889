// Every shape error throws a TensorError whose description names the shapes or values at fault.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct TensorErrorTests {
    /// Expects `body` to throw a TensorError whose description contains every one of `fragments`.
    func expectError<T>(_ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
        guard let description = errorDescription(sourceLocation: sourceLocation, body) else { return }
        for fragment in fragments {
            #expect(description.contains(fragment), "“\(description)” does not mention \(fragment)", sourceLocation: sourceLocation)
        }
    }

    @Test func mismatchedBroadcast() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4])
        expectError("add", "[2, 3]", "[4]") { try a + b }
        expectError("subtract", "[2, 3]", "[4]") { try a - b }
        expectError("multiply", "[2, 3]", "[4]") { try a * b }
        expectError("divide", "[2, 3]", "[4]") { try a / b }
        expectError("maximum", "[2, 3]", "[4]") { try Tensor.maximum(a, b) }
        expectError("minimum", "[2, 3]", "[4]") { try Tensor.minimum(a, b) }
        expectError("[2, 3]", "[3, 3]") { try a.broadcast(to: [3, 3]) }
        // Broadcasting is one-way: [2, 3] does not shrink to [3].
        expectError("[2, 3]", "[3]") { try a.broadcast(to: [3]) }
    }

    @Test func matmulInnerDimensions() throws {
        expectError("matmul", "[2, 3]", "[4, 5]") { try Tensor.zeros([2, 3]).matmul(try Tensor.zeros([4, 5])) }
        expectError("matmul", "[2, 3, 1]", "[1, 5]") { try Tensor.zeros([2, 3, 1]).matmul(try Tensor.zeros([1, 5])) }
        expectError("linear", "[2, 3]", "[5, 4]") { try Tensor.linear(try Tensor.zeros([2, 3]), weight: try Tensor.zeros([5, 4]), bias: nil) }
        expectError("linear", "[3]", "[5, 4]") {
            try Tensor.linear(try Tensor.zeros([2, 4]), weight: try Tensor.zeros([5, 4]), bias: try Tensor.zeros([3]))
        }
    }

    @Test func convolution() throws {
        let x = try Tensor.zeros([1, 4, 5, 5])
        expectError("conv2d", "[1, 4, 5, 5]", "[2, 3, 3, 3]") { try x.conv2d(weight: try Tensor.zeros([2, 3, 3, 3])) }
        expectError("groups 3", "4") { try x.conv2d(weight: try Tensor.zeros([3, 1, 3, 3]), groups: 3) }
        expectError("groups 0") { try x.conv2d(weight: try Tensor.zeros([2, 4, 3, 3]), groups: 0) }
        expectError("[1, 4, 5, 5]", "[2, 2, 3, 3]") { try x.conv2d(weight: try Tensor.zeros([2, 2, 3, 3]), groups: 1) }
        expectError("[2, 4, 3, 3]", "[3]") { try x.conv2d(weight: try Tensor.zeros([2, 4, 3, 3]), bias: try Tensor.zeros([3])) }
        expectError("[1, 4, 5, 5]", "[2, 4, 6, 6]") { try x.conv2d(weight: try Tensor.zeros([2, 4, 6, 6])) }
        expectError("[1, 4, 5, 5]", "[2, 4, 3, 3]") { try x.conv2d(weight: try Tensor.zeros([2, 4, 3, 3]), dilation: [3]) }
        expectError("[4, 5, 5]") { try Tensor.zeros([4, 5, 5]).conv2d(weight: try Tensor.zeros([2, 4, 3, 3])) }
        expectError("stride", "0") { try x.conv2d(weight: try Tensor.zeros([2, 4, 3, 3]), stride: [0]) }
        // Padding makes room: a 6×6 kernel fits a 5×5 input padded by 1.
        #expect(try x.conv2d(weight: try Tensor.zeros([2, 4, 6, 6]), padding: .uniform(1)).shape == [1, 2, 2, 2])
    }

    @Test func kernelLargerThanPaddedInputWithStride() throws {
        // A 3×3 kernel does not fit a 2×2 input, whatever the stride.
        let x = try Tensor.zeros([1, 1, 2, 2])
        expectError("[1, 1, 2, 2]", "[1, 1, 3, 3]") { try x.conv2d(weight: try Tensor.zeros([1, 1, 3, 3]), stride: [2]) }
        expectError("[1, 1, 2, 2]") { try x.maxPool2d(kernelSize: [3], stride: [2]) }
        expectError("[1, 1, 2, 2]") { try x.avgPool2d(kernelSize: [3], stride: [2]) }
    }

    @Test func pooling() throws {
        let x = try Tensor.zeros([1, 1, 3, 3])
        expectError("maxPool2d", "[1, 1, 3, 3]") { try x.maxPool2d(kernelSize: [4]) }
        expectError("avgPool2d", "[1, 1, 3, 3]") { try x.avgPool2d(kernelSize: [4]) }
        expectError("maxPool2d", "[3, 3]") { try Tensor.zeros([3, 3]).maxPool2d(kernelSize: [2]) }
        expectError("maxPool2d", "kernel size", "[2, 2, 2]") { try x.maxPool2d(kernelSize: [2, 2, 2]) }
    }

    @Test func poolingWindowEntirelyInPadding() throws {
        // Padding larger than half the window would create windows that see no input at all
        // (−∞ for max, 0/0 for an average without the padding): rejected, as PyTorch does.
        let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        expectError("maxPool2d", "padTop (2) must be at most half") { try x.maxPool2d(kernelSize: [2], stride: [1], padding: .uniform(2)) }
        expectError("avgPool2d", "padLeft (2) must be at most half") { try x.avgPool2d(kernelSize: [3], stride: [1], padding: .explicit(before: [1, 2], after: [1, 0])) }
        // Half the window is allowed.
        #expect(try x.maxPool2d(kernelSize: [2], stride: [1], padding: .uniform(1)).shape == [1, 1, 3, 3])
        #expect(try x.avgPool2d(kernelSize: [3], stride: [1], padding: .uniform(1)).shape == [1, 1, 2, 2])
    }

    @Test func invalidShapes() throws {
        expectError("[2, -1]", "-1") { try Tensor.zeros([2, -1]) }
        expectError("[-3]") { try Tensor(repeating: 1, shape: [-3]) }
        expectError("[2, 2]", "4", "3") { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
        var generator = SeededGenerator(seed: 1)
        expectError("[-2]") { try Tensor.randomNormal([-2], using: &generator) }
        expectError("randomUniform") { try Tensor.randomUniform([2], lower: 1, upper: 0, using: &generator) }
    }

    @Test func reshape() throws {
        let x = try Tensor.zeros([2, 3])
        expectError("[2, 3]", "[4, 2]", "6") { try x.reshaped(to: [4, 2]) }
        expectError("[-1, -1]", "only one") { try x.reshaped(to: [-1, -1]) }
        expectError("[4, -1]", "6") { try x.reshaped(to: [4, -1]) }
        expectError("[-2, -3]", "-2") { try x.reshaped(to: [-2, -3]) }
        expectError("[0, -1]") { try x.reshaped(to: [0, -1]) }
    }

    @Test func permutation() throws {
        let x = try Tensor.zeros([2, 3, 4])
        expectError("[0, 1]", "[2, 3, 4]") { try x.permuted([0, 1]) }
        expectError("[0, 0, 1]") { try x.permuted([0, 0, 1]) }
        expectError("[0, 1, 3]") { try x.permuted([0, 1, 3]) }
        expectError("transpose", "[4]") { try Tensor.zeros([4]).transposed() }
    }

    @Test func labels() throws {
        let logits = try Tensor.zeros([2, 3])
        expectError("label", "3", "0..<3", "position 1") { try Tensor.softmaxCrossEntropy(logits: logits, labels: [0, 3]) }
        expectError("-1", "position 0") { try Tensor.softmaxCrossEntropy(logits: logits, labels: [-1, 0]) }
        expectError("3 labels", "2") { try Tensor.softmaxCrossEntropy(logits: logits, labels: [0, 1, 2]) }
        expectError("[6]") { try Tensor.softmaxCrossEntropy(logits: try Tensor.zeros([6]), labels: [0]) }
    }

    @Test func axes() throws {
        let x = try Tensor.zeros([2, 3])
        expectError("sum", "2", "-2..<2") { try x.sum(alongAxes: [2]) }
        expectError("mean", "-3") { try x.mean(alongAxes: [-3]) }
        expectError("max", "5") { try x.max(alongAxis: 5) }
        expectError("argmax", "2") { try x.argmax(alongAxis: 2) }
        expectError("softmax", "2") { try x.softmax(alongAxis: 2) }
        expectError("logSoftmax", "-3") { try x.logSoftmax(alongAxis: -3) }
        expectError("flatten", "3") { try x.flattened(startingAt: 3) }
        expectError("narrow", "4") { try x.narrowed(axis: 1, range: 1..<4) }
        expectError("narrow", "2") { try x.narrowed(axis: 2, range: 0..<1) }
        expectError("example", "2", "0..<2") { try x.example(2) }
        expectError("concatenate", "[2, 3]", "[3, 3]") { try Tensor.concatenated([x, try Tensor.zeros([3, 3])], alongAxis: 1) }
        expectError("concatenate", "ranks") { try Tensor.concatenated([x, try Tensor.zeros([3])]) }
        expectError("concatenate", "no tensors") { try Tensor.concatenated([]) }
        expectError("split", "[1, 1]", "[2, 3]") { try x.split(sizes: [1, 1], alongAxis: 1) }
        expectError("item", "6") { try x.item() }
        expectError("max", "empty") { try Tensor.zeros([2, 0]).max(alongAxis: 1) }
    }
}
