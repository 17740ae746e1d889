// Output shapes of convolution and pooling computed without running them — what layer analysis
// and model summaries need. The same validation as the operations, so the same errors.

import FoveaKernels

extension Tensor {
    /// The output shape of ``convolution(weight:bias:stride:padding:dilation:groups:fusingReLU:)`` for these
    /// shapes and settings.
    /// - Throws: the error the convolution itself would throw.
    public static func convolutionOutputShape(input: [Int], weight: [Int], stride: [Int] = [1], padding: Padding = .valid,
                                              dilation: [Int] = [1], groups: Int = 1) throws -> [Int] {
        let g = try convolutionGeometry(input: input, weight: weight, bias: nil, stride: stride, padding: padding,
                                        dilation: dilation, groups: groups, operation: "convolution")
        return [g.batch, g.outputChannels] + g.outputSize
    }

    /// The output shape of ``maxPool2d(kernelSize:stride:padding:dilation:ceilMode:)`` (and of
    /// average pooling with `dilation` 1) for an NCHW input of `shape`.
    /// - Throws: the error the pooling itself would throw.
    public static func pool2dOutputShape(input shape: [Int], kernelSize: [Int], stride: [Int]? = nil, padding: Padding = .valid,
                                         dilation: [Int] = [1], ceilMode: Bool = false) throws -> [Int] {
        // poolGeometry reads only the shape, so an empty storage serves.
        let probe = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: 0))
        let g = try probe.poolGeometry(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                                       ceilMode: ceilMode, operation: "pool2d")
        return [g.batch, g.channels, g.outputHeight, g.outputWidth]
    }
}
