// The reference 2-D convolution: the direct seven-loop definition, forward and backward.
// N batch, C input channels, K output channels, H×W input, R×S kernel, P×Q output, G groups
// This is the specification the fast im2col + GEMM path is tested against; it is single-threaded
// and slow on purpose (no blocking, a bounds check per tap).

/// Reference twin of ``conv2dForward(output:input:weight:bias:geometry:scale:relu:weightCache:)``, by the definition
/// `y[n,k,p,q] = bias[k] + Σ_{c,r,s} x[n, g·C/G + c, p·sh − padTop + r·dh, q·sw − padLeft + s·dw] · W[k,c,r,s]`
/// (taps in the padding count as 0). Overwrites `output`.
public func conv2dForwardNaive(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry
) {
    let N = g.batch, C = g.inputChannels, H = g.inputHeight, W = g.inputWidth
    let K = g.outputChannels, R = g.kernelHeight, S = g.kernelWidth
    let P = g.outputHeight, Q = g.outputWidth
    let Cg = g.inputChannelsPerGroup, Kg = g.outputChannelsPerGroup
    for n in 0..<N {
        for k in 0..<K {
            let group = k / Kg
            for p in 0..<P {
                for q in 0..<Q {
                    var sum: Float = bias?[k] ?? 0
                    for c in 0..<Cg {
                        for r in 0..<R {
                            for s in 0..<S {
                                let h = p * g.strideHeight - g.padTop + r * g.dilationHeight
                                let w = q * g.strideWidth - g.padLeft + s * g.dilationWidth
                                guard h >= 0, h < H, w >= 0, w < W else { continue }
                                let x = input[((n * C + group * Cg + c) * H + h) * W + w]
                                sum += x * weight[((k * Cg + c) * R + r) * S + s]
                            }
                        }
                    }
                    output[((n * K + k) * P + p) * Q + q] = sum
                }
            }
        }
    }
}

/// Reference twin of ``conv2dBackward(dInput:dWeight:dBias:dOutput:input:weight:geometry:)``:
/// walks the same seven loops as the forward definition and sends each output gradient back to
/// the tap that produced it. Each non-`nil` gradient buffer accumulates (`+=`).
public func conv2dBackwardNaive(
    dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
    dBias: UnsafeMutablePointer<Float>?, dOutput: UnsafePointer<Float>,
    input: UnsafePointer<Float>, weight: UnsafePointer<Float>, geometry g: Conv2DGeometry
) {
    let N = g.batch, C = g.inputChannels, H = g.inputHeight, W = g.inputWidth
    let K = g.outputChannels, R = g.kernelHeight, S = g.kernelWidth
    let P = g.outputHeight, Q = g.outputWidth
    let Cg = g.inputChannelsPerGroup, Kg = g.outputChannelsPerGroup
    for n in 0..<N {
        for k in 0..<K {
            let group = k / Kg
            for p in 0..<P {
                for q in 0..<Q {
                    let dy = dOutput[((n * K + k) * P + p) * Q + q]
                    dBias?[k] += dy
                    for c in 0..<Cg {
                        for r in 0..<R {
                            for s in 0..<S {
                                let h = p * g.strideHeight - g.padTop + r * g.dilationHeight
                                let w = q * g.strideWidth - g.padLeft + s * g.dilationWidth
                                guard h >= 0, h < H, w >= 0, w < W else { continue }
                                let xIndex = ((n * C + group * Cg + c) * H + h) * W + w
                                let wIndex = ((k * Cg + c) * R + r) * S + s
                                dInput?[xIndex] += dy * weight[wIndex]
                                dWeight?[wIndex] += dy * input[xIndex]
                            }
                        }
                    }
                }
            }
        }
    }
}
