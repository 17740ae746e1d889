// Internal element-wise helpers on tensors already known to share a shape (used by the tape
// and by pullbacks, where shapes are guaranteed and no check is needed).

extension Tensor {
    func addingSameShape(_ other: Tensor) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let a = pointer, b = other.pointer, o = out.storage.pointer
        for i in 0..<count { o[i] = a[i] + b[i] }
        return out
    }
}
