// Direct convolution for layers with few taps per output (C·R·S ≤ 64: first layers on grey or
// RGB images with small kernels, such as LeNet's 1 → 32 channels 5×5).
//
// With so short a sum, the GEMM formulations spend more on packing and storing tiles than on
// multiplying: im2col writes 25 copies of the image and fills 32 of 42 rows of the micro-kernel's
// tiles, the position-major implicit GEMM transposes every 14 × 32 tile after 25 steps. The C
// kernel (CFoveaKernels/direct_avx512.c) instead keeps 8 output channels × 32 output columns in
// registers and adds every tap from two masked loads of the input row: no copies, one pass over
// the output. Threads take contiguous ranges of (image, block of 8 channels); each output is
// summed in the same order whatever the thread count.

import CFoveaKernels

extension Conv2DGeometry {
    /// Whether `conv2dForward` takes the direct kernel: AVX-512, one group, unit stride, at most
    /// 64 taps per output and kernels at most 32 wide.
    var prefersDirect: Bool {
        directAVX512Available && groups == 1 && strideHeight == 1 && strideWidth == 1
            && inputChannels * kernelHeight * kernelWidth <= 64 && kernelWidth <= 32
            && outputHeight > 0 && outputWidth > 0
    }
}

/// The forward convolution by the direct kernel (same contract as `conv2dForward`), for
/// geometries that ``Conv2DGeometry/prefersDirect``.
func conv2dForwardDirect(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry, scale: UnsafePointer<Float>?, relu: Bool) {
    let shape = FoveaDirectConvShape(
        channels: g.inputChannels, height: g.inputHeight, width: g.inputWidth,
        outputHeight: g.outputHeight, outputWidth: g.outputWidth, kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth,
        padTop: g.padTop, padLeft: g.padLeft, dilationHeight: g.dilationHeight, dilationWidth: g.dilationWidth)
    let blocks = (g.outputChannels + 7) / 8
    let imageSize = g.inputChannels * g.inputHeight * g.inputWidth
    let outputSize = g.outputChannels * g.outputHeight * g.outputWidth
    Parallel.forRanges(g.batch * blocks) { units in
        for unit in units {
            let n = unit / blocks, k0 = unit % blocks * 8
            fovea_direct_conv_avx512(output + n * outputSize, input + n * imageSize, weight, scale, bias,
                                     k0, min(8, g.outputChannels - k0), relu ? 1 : 0, shape)
        }
    }
}
