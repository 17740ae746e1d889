// Convolution benchmark cases of `fovea bench`: the layer shapes of issue 5 (LeNet, AlexNet, VGG,
// Inception, depthwise), each timed forward (`<name>_fwd`) and forward + backward (`<name>_fwdbwd`).
//
// The cases time the KERNELS, `conv2dForward` and `conv2dBackward`, on buffers allocated when the
// case is made; no tensors, no tape. That is what `Scripts/bench_reference.py` times on the PyTorch
// side too: `F.conv2d` under `no_grad` for the forward, and `F.conv2d` + autograd `backward(dy)` with
// input, weight and bias all requiring gradients for forward + backward. Both sides therefore pay for
// one convolution and its three gradients and nothing else (no loss, no optimizer, no other layer).
//
// FLOPs are 2 per multiply-add of the convolution proper: forward N·K·P·Q·(C/G)·R·S MACs; forward +
// backward three times that (forward, weight gradient, input gradient), or twice when the input
// gradient is skipped. Bias adds and the bias gradient (N·K·P·Q adds each) are not counted; they are
// timed. The fwdbwd run has the kernels overwrite the three gradient buffers (`accumulate: false`), as
// the autograd does with fresh gradients and as PyTorch does with `.grad` set to None.

import Fovea

/// A convolution layer shape to benchmark: a name and its geometry (bias always present).
struct ConvBenchShape: Sendable {
    let name: String
    let geometry: Conv2DGeometry

    /// The shapes of issue 5, in report order.
    static let all: [ConvBenchShape] = [
        square("lenet_c1", batch: 64, channels: 1, side: 28, outputs: 32, kernel: 5, padding: 2),
        square("lenet_c2", batch: 64, channels: 32, side: 14, outputs: 64, kernel: 5, padding: 2),
        square("alex_c1_n1", batch: 1, channels: 3, side: 227, outputs: 96, kernel: 11, stride: 4),
        square("alex_c1_n16", batch: 16, channels: 3, side: 227, outputs: 96, kernel: 11, stride: 4),
        square("alex_c3_n16", batch: 16, channels: 256, side: 13, outputs: 384, kernel: 3, padding: 1),
        square("vgg_3x3_n8", batch: 8, channels: 64, side: 56, outputs: 64, kernel: 3, padding: 1),
        square("incep3a_1x1", batch: 16, channels: 192, side: 28, outputs: 64, kernel: 1),
        square("depthwise_3x3", batch: 16, channels: 64, side: 56, outputs: 64, kernel: 3, padding: 1, groups: 64),
    ]

    /// A square input, kernel, stride and symmetric padding.
    static func square(
        _ name: String, batch: Int, channels: Int, side: Int, outputs: Int, kernel: Int,
        stride: Int = 1, padding: Int = 0, groups: Int = 1
    ) -> ConvBenchShape {
        let geometry = Conv2DGeometry(
            batch: batch, inputChannels: channels, inputHeight: side, inputWidth: side,
            outputChannels: outputs, kernelHeight: kernel, kernelWidth: kernel,
            strideHeight: stride, strideWidth: stride,
            padTop: padding, padBottom: padding, padLeft: padding, padRight: padding, groups: groups)
        precondition(geometry.validationFailure == nil, "\(name): \(geometry.validationFailure ?? "")")
        return ConvBenchShape(name: name, geometry: geometry)
    }

    /// Multiply-adds of one forward pass: N·K·P·Q·(C/G)·R·S.
    var forwardMACs: Double {
        let g = geometry
        return Double(g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
            * Double(g.inputChannelsPerGroup * g.kernelHeight * g.kernelWidth)
    }

    /// The forward and the forward + backward case, as catalog entries.
    var catalogEntries: [BenchCase.CatalogEntry] {
        let shape = self
        return [
            ("\(name)_fwd", { BenchCase.convolution(shape, backward: false) }),
            ("\(name)_fwdbwd", { BenchCase.convolution(shape, backward: true) }),
        ]
    }
}

extension BenchCase {
    /// A convolution case: forward only, or forward then the input, weight and bias gradients
    /// (the input gradient left out when `inputGradient` is false).
    static func convolution(_ shape: ConvBenchShape, backward: Bool, inputGradient: Bool = true) -> BenchCase {
        let g = shape.geometry
        // The buffers live as long as the process: a bench run makes each case once.
        let x = filledBuffer(count: g.inputCount, seed: 1)
        let w = filledBuffer(count: g.weightCount, seed: 2, scale: 0.1)
        let b = filledBuffer(count: g.outputChannels, seed: 3)
        let y = filledBuffer(count: g.outputCount, seed: 0)
        guard backward else {
            return BenchCase(name: "\(shape.name)_fwd", flops: 2 * shape.forwardMACs) {
                conv2dForward(output: y, input: x, weight: w, bias: b, geometry: g)
            }
        }
        let dy = filledBuffer(count: g.outputCount, seed: 4)
        let dx = inputGradient ? filledBuffer(count: g.inputCount, seed: 0) : nil
        let dw = filledBuffer(count: g.weightCount, seed: 0)
        let db = filledBuffer(count: g.outputChannels, seed: 0)
        let passes: Double = inputGradient ? 3 : 2
        return BenchCase(name: "\(shape.name)_fwdbwd", flops: 2 * passes * shape.forwardMACs) {
            conv2dForward(output: y, input: x, weight: w, bias: b, geometry: g)
            conv2dBackward(dInput: dx, dWeight: dw, dBias: db, dOutput: dy,
                           input: x, weight: w, geometry: g, accumulate: false)
        }
    }

    /// A buffer of `count` floats, uniform in `[-scale/2, scale/2)` from a fixed linear
    /// congruential sequence (`seed` 0 gives zeros). Never freed: cases live for the whole run.
    static func filledBuffer(count: Int, seed: UInt32, scale: Float = 1) -> UnsafeMutablePointer<Float> {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
        guard seed != 0 else {
            buffer.initialize(repeating: 0, count: max(1, count))
            return buffer
        }
        var state = seed &* 2_654_435_761
        for i in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            buffer[i] = scale * (Float(state >> 8) / Float(1 << 24) - 0.5)
        }
        return buffer
    }
}
