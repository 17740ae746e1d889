// Internal element-wise helpers on tensors already known to share a shape (used by the tape
// and by pullbacks, where shapes are guaranteed and no check is needed).

import FoveaKernels

extension Tensor {
    /// `self + other`, not recorded: the broadcast kernel's same-shape path.
    func addingSameShape(_ other: Tensor) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let strides = Tensor.contiguousStrides(shape)
        binaryBroadcast(.add, output: out.storage.pointer, shape: shape, lhs: pointer, lhsStrides: strides,
                        rhs: other.pointer, rhsStrides: strides)
        return out
    }
}
