// 1-D and 3-D max and average pooling, built on the 2-D kernels.
// N batch, C channels, L length (1-D); D×H×W input and kd×kh×kw window (3-D)
//
// A 1-D input [N, C, L] is pooled as the 2-D image [N, C, 1, L] with a 1×k window. A 3-D window
// is separable: max over a box is the max over depth of the max over each H×W slice, and an
// average's sum and PyTorch divisor are products over the axes too. So 3-D pooling is two passes
// of the 2-D kernels with no data movement: [N, C·D, H, W] pooled by kh×kw, then
// [N·C, 1, D, P·Q] pooled by kd×1. Gradients flow back through the same two ops; max ties resolve
// to the first tap in (d, h, w) order, as PyTorch's single pass does.

import FoveaKernels

extension Tensor {
    /// Max pooling of an NCL batch: `[N, C, L]` → `[N, C, Lout]`,
    /// `Lout = (L + padBegin + padEnd − dilation·(k − 1) − 1) / stride + 1` (rounded up with
    /// `ceilMode`, dropping a last window that would start in the end padding).
    /// - Throws: ``TensorError`` when the input is not rank 3, a size is not positive, a pad exceeds
    ///   half the window, or the window does not fit.
    public func maxPool1d(kernelSize: Int, stride: Int? = nil, padding: Padding = .valid, dilation: Int = 1,
                          ceilMode: Bool = false) throws -> Tensor {
        let spec = try PoolSpec(input: shape, dimensions: 1, kernelSize: [kernelSize], stride: stride.map { [$0] },
                                padding: padding, dilation: [dilation], ceilMode: ceilMode, operation: "maxPool1d")
        return try reshaped(to: [shape[0], shape[1], 1, shape[2]])
            .maxPool2d(kernelSize: [1, spec.kernel[0]], stride: [1, spec.stride[0]], padding: spec.padding2d(axis: 0, inWidth: true),
                       dilation: [1, spec.dilation[0]], ceilMode: ceilMode)
            .reshaped(to: [shape[0], shape[1], spec.output[0]])
    }

    /// Average pooling of an NCL batch (output size as ``maxPool1d(kernelSize:stride:padding:dilation:ceilMode:)``).
    /// - Parameter countIncludePad: divide by the window including padded taps (PyTorch's default).
    /// - Throws: as ``maxPool1d(kernelSize:stride:padding:dilation:ceilMode:)``.
    public func avgPool1d(kernelSize: Int, stride: Int? = nil, padding: Padding = .valid, ceilMode: Bool = false,
                          countIncludePad: Bool = true) throws -> Tensor {
        let spec = try PoolSpec(input: shape, dimensions: 1, kernelSize: [kernelSize], stride: stride.map { [$0] },
                                padding: padding, dilation: [1], ceilMode: ceilMode, operation: "avgPool1d")
        return try reshaped(to: [shape[0], shape[1], 1, shape[2]])
            .avgPool2d(kernelSize: [1, spec.kernel[0]], stride: [1, spec.stride[0]], padding: spec.padding2d(axis: 0, inWidth: true),
                       ceilMode: ceilMode, countIncludePad: countIncludePad)
            .reshaped(to: [shape[0], shape[1], spec.output[0]])
    }

    /// Max pooling of an NCDHW batch: `[N, C, D, H, W]` → `[N, C, Dout, P, Q]`, each axis sized as in
    /// ``maxPool1d(kernelSize:stride:padding:dilation:ceilMode:)``.
    /// - Parameters: kernelSize, stride (default: the kernel size), dilation: one value or `[depth, height, width]`.
    /// - Throws: ``TensorError`` when the input is not rank 5, a size is not positive, a pad exceeds
    ///   half the window, or the window does not fit.
    public func maxPool3d(kernelSize: [Int], stride: [Int]? = nil, padding: Padding = .valid, dilation: [Int] = [1],
                          ceilMode: Bool = false) throws -> Tensor {
        let spec = try PoolSpec(input: shape, dimensions: 3, kernelSize: kernelSize, stride: stride, padding: padding,
                                dilation: dilation, ceilMode: ceilMode, operation: "maxPool3d")
        return try pool3d(spec) { x, k, s, p, d in try x.maxPool2d(kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceilMode) }
    }

    /// Average pooling of an NCDHW batch (output size as ``maxPool3d(kernelSize:stride:padding:dilation:ceilMode:)``).
    /// - Parameter countIncludePad: divide by the window including padded taps (PyTorch's default).
    /// - Throws: as ``maxPool3d(kernelSize:stride:padding:dilation:ceilMode:)``.
    public func avgPool3d(kernelSize: [Int], stride: [Int]? = nil, padding: Padding = .valid, ceilMode: Bool = false,
                          countIncludePad: Bool = true) throws -> Tensor {
        let spec = try PoolSpec(input: shape, dimensions: 3, kernelSize: kernelSize, stride: stride, padding: padding,
                                dilation: [1], ceilMode: ceilMode, operation: "avgPool3d")
        return try pool3d(spec) { x, k, s, p, _ in
            try x.avgPool2d(kernelSize: k, stride: s, padding: p, ceilMode: ceilMode, countIncludePad: countIncludePad)
        }
    }

    /// The two separable passes of a 3-D pooling; `pool2d(x, kernel, stride, padding, dilation)`.
    private func pool3d(_ spec: PoolSpec,
                        _ pool2d: (Tensor, [Int], [Int], Padding, [Int]) throws -> Tensor) throws -> Tensor {
        let (n, c, d) = (shape[0], shape[1], shape[2])
        let slices = try pool2d(reshaped(to: [n, c * d, shape[3], shape[4]]), Array(spec.kernel[1...]), Array(spec.stride[1...]),
                                .explicit(before: Array(spec.padBefore[1...]), after: Array(spec.padAfter[1...])),
                                Array(spec.dilation[1...]))
        let planeSize = spec.output[1] * spec.output[2]
        let depth = try pool2d(slices.reshaped(to: [n * c, 1, d, planeSize]), [spec.kernel[0], 1], [spec.stride[0], 1],
                               spec.padding2d(axis: 0, inWidth: false), [spec.dilation[0], 1])
        return try depth.reshaped(to: [n, c] + spec.output)
    }
}

/// Validated pooling arguments for any number of spatial dimensions, with PyTorch's rules and
/// error messages that name the operation and the axis.
struct PoolSpec {
    var kernel: [Int], stride: [Int], dilation: [Int], padBefore: [Int], padAfter: [Int], output: [Int]

    init(input: [Int], dimensions: Int, kernelSize: [Int], stride: [Int]?, padding: Padding, dilation: [Int],
         ceilMode: Bool, operation: String) throws {
        let layout = ["[N, C, L]", "[N, C, H, W]", "[N, C, D, H, W]"][dimensions - 1]
        guard input.count == dimensions + 2 else {
            throw TensorError.invalidArgument(operation: operation, reason: "input of shape \(input) is not \(layout)")
        }
        func expand(_ values: [Int], _ name: String) throws -> [Int] {
            let v = values.count == 1 ? [Int](repeating: values[0], count: dimensions) : values
            guard v.count == dimensions, v.allSatisfy({ $0 >= 1 }) else {
                throw TensorError.invalidArgument(operation: operation, reason: "\(name) \(values) must be one or \(dimensions) positive values")
            }
            return v
        }
        kernel = try expand(kernelSize, "kernel size")
        self.stride = try expand(stride ?? kernelSize, "stride")
        self.dilation = try expand(dilation, "dilation")
        let spatial = Array(input[2...])
        let pads: (before: [Int], after: [Int])
        do {
            pads = try padding.resolve(input: spatial, kernel: kernel, stride: self.stride, dilation: self.dilation)
        } catch TensorError.invalidArgument(_, let reason) {
            throw TensorError.invalidArgument(operation: operation, reason: reason)
        }
        (padBefore, padAfter) = pads
        output = []
        let axes = dimensions == 1 ? ["length"] : ["depth", "height", "width"].suffix(dimensions)
        for (axis, name) in zip(0..<dimensions, axes) {
            for pad in [padBefore[axis], padAfter[axis]] where pad > kernel[axis] / 2 {
                throw TensorError.invalidArgument(operation: operation,
                    reason: "\(name) padding \(pad) must be at most half the \(kernel[axis])-wide window (\(kernel[axis] / 2))")
            }
            let g = Pool2DGeometry(batch: 1, channels: 1, inputHeight: spatial[axis], inputWidth: 1,
                                   kernelHeight: kernel[axis], kernelWidth: 1, strideHeight: self.stride[axis], strideWidth: 1,
                                   padTop: padBefore[axis], padBottom: padAfter[axis], dilationHeight: self.dilation[axis],
                                   ceilMode: ceilMode)
            guard spatial[axis] >= 1, g.outputHeight >= 1 else {
                throw TensorError.invalidArgument(operation: operation,
                    reason: "the \(kernel[axis])-wide \(name) window with dilation \(self.dilation[axis]) does not fit input \(input) "
                        + "(\(name) \(spatial[axis]) padded by \(padBefore[axis]) + \(padAfter[axis]))")
            }
            output.append(g.outputHeight)
        }
    }

    /// Axis `axis`'s padding as 2-D padding on the width (1-D as a 1×L image) or the height.
    func padding2d(axis: Int, inWidth: Bool) -> Padding {
        inWidth ? .explicit(before: [0, padBefore[axis]], after: [0, padAfter[axis]])
            : .explicit(before: [padBefore[axis], 0], after: [padAfter[axis], 0])
    }
}
