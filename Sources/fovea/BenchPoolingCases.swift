// Max-pooling benchmark cases of `fovea bench`: AlexNet's first pooling, N16 96×55×55, 3×3 window,
// stride 2 (→ 27×27), forward (`maxpool_n16_fwd`) and backward (`maxpool_n16_bwd`) timed apart.
//
// Kernel level, like the convolution cases. The forward computes no argmax (`nil`), as PyTorch's
// `F.max_pool2d` under `no_grad` keeps no indices. The backward zeroes the input gradient and
// scatters with a precomputed argmax, which is what PyTorch's `max_pool2d_with_indices_backward`
// does (it allocates and zeroes its result). Pooling is memory-bound, so "FLOPs" here are the
// comparisons (one per window tap, R·S per output) forward and the adds (one per output) backward;
// the GFLOP/s and % of peak columns only show how far from compute-bound it is.

import Fovea

extension BenchCase {
    /// The pooling geometry of the max-pooling cases.
    static let maxPoolGeometry = Pool2DGeometry(
        batch: 16, channels: 96, inputHeight: 55, inputWidth: 55,
        kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2)

    /// The pooling cases, as catalog entries.
    static let poolingEntries: [BenchCase.CatalogEntry] = [
        ("maxpool_n16_fwd", { maxPool(backward: false) }),
        ("maxpool_n16_bwd", { maxPool(backward: true) }),
    ]

    /// Max pooling forward (no argmax) or backward (zero, then scatter through the argmax).
    static func maxPool(backward: Bool) -> BenchCase {
        let g = maxPoolGeometry
        precondition(g.validationFailure == nil, g.validationFailure ?? "")
        let outputs = Double(g.outputCount)
        let x = filledBuffer(count: g.inputCount, seed: 5)
        let y = filledBuffer(count: g.outputCount, seed: 0)
        guard backward else {
            return BenchCase(name: "maxpool_n16_fwd", flops: outputs * Double(g.kernelHeight * g.kernelWidth)) {
                maxPool2dForward(output: y, argmax: nil, input: x, geometry: g)
            }
        }
        // Buffers live for the whole run, like every case's.
        let argmax = UnsafeMutablePointer<Int32>.allocate(capacity: g.outputCount)
        maxPool2dForward(output: y, argmax: argmax, input: x, geometry: g)
        let dy = filledBuffer(count: g.outputCount, seed: 6)
        let dx = filledBuffer(count: g.inputCount, seed: 0)
        return BenchCase(name: "maxpool_n16_bwd", flops: outputs) {
            dx.update(repeating: 0, count: g.inputCount)
            maxPool2dBackward(dInput: dx, dOutput: dy, argmax: argmax, geometry: g)
        }
    }
}
