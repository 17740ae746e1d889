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
//
// The weight gradient of such a layer is as short a product the other way round (32 × 25 sums
// over 64 × 784 positions for LeNet's first layer): im2col copied each image 25 times and
// multiplied tiles filled to 60 %, at about 25 % of the FMA peak. The direct kernel walks the
// output gradient row by row instead, 4 channels × 5 taps of sums in registers per (c, r), and
// takes the bias gradient along in the same pass.

import CFoveaKernels

extension Conv2DGeometry {
    /// Whether `conv2dForward` takes the direct kernel: AVX-512, one group, unit stride, at most
    /// 64 taps per output and kernels at most 32 wide.
    var prefersDirect: Bool {
        directAVX512Available && groups == 1 && strideHeight == 1 && strideWidth == 1
            && inputChannels * kernelHeight * kernelWidth <= 64 && kernelWidth <= 32
            && outputHeight > 0 && outputWidth > 0
    }

    /// Whether `conv2dBackward` computes the weight and bias gradients by the direct kernel: a
    /// layer that ``prefersDirect`` with kernels at most 5 wide.
    var prefersDirectWeightGradient: Bool {
        prefersDirect && kernelWidth <= FOVEA_DIRECT_GRADIENT_MAX_WIDTH
    }

    /// This geometry as the direct kernels see it.
    var directShape: FoveaDirectConvShape {
        FoveaDirectConvShape(
            channels: inputChannels, height: inputHeight, width: inputWidth,
            outputHeight: outputHeight, outputWidth: outputWidth, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            padTop: padTop, padLeft: padLeft, dilationHeight: dilationHeight, dilationWidth: dilationWidth)
    }
}

/// The forward convolution by the direct kernel (same contract as `conv2dForward`), for
/// geometries that ``Conv2DGeometry/prefersDirect``.
func conv2dForwardDirect(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry, scale: UnsafePointer<Float>?, relu: Bool) {
    let shape = g.directShape
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

/// Adds the weight gradient (and, when `dBias` is given, the bias gradient) of a layer that
/// ``Conv2DGeometry/prefersDirectWeightGradient`` to `dWeight` (`[K, C, R, S]`) and `dBias`
/// (`[K]`), as ``conv2dBackward`` defines them. Output channels are split into blocks over the
/// threads (at most 4 per block, fewer when that leaves a thread idle: LeNet-5's 6 → 3 + 3).
func conv2dBackwardWeightDirect(dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                                dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
    let shape = g.directShape, K = g.outputChannels
    let perBlock = min(FOVEA_DIRECT_GRADIENT_CHANNELS, max(1, (K + Parallel.availableThreads - 1) / Parallel.availableThreads))
    let blocks = (K + perBlock - 1) / perBlock
    let sumFloats = g.inputChannels * g.kernelHeight * FOVEA_DIRECT_GRADIENT_SUM_FLOATS
    Parallel.forRanges(blocks) { range in
        Workspace.withBuffer(capacity: sumFloats) { sums in
            for block in range {
                let k0 = block * perBlock
                fovea_direct_weight_gradient_avx512(dWeight, dBias, dOutput, input, g.batch, K, k0, min(perBlock, K - k0),
                                                    sums, shape)
            }
        }
    }
}
