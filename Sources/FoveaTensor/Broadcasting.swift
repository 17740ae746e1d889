// NumPy/PyTorch broadcasting: shapes align at the trailing dimension; a dimension of 1 (or a
// missing leading one) stretches to match. Gradients flowing back through a broadcast are summed
// over the stretched dimensions (`summed(toShape:)`).

import FoveaKernels

extension Tensor {
    /// The shape two operands broadcast to, or an error naming both shapes.
    static func broadcastShape(_ a: [Int], _ b: [Int], operation: String) throws -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw TensorError.shapeMismatch(operation: operation, a, b, reason: "dimension \(i) is \(da) against \(db); broadcasting needs equal sizes or 1")
            }
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// The joint shape of two shapes already known to broadcast.
    static func jointShape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        return (0..<rank).map { i in
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            return da == 1 ? db : da
        }
    }

    /// Row-major strides of `shape` seen as broadcast to `target` (0 where it stretches).
    static func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            let t = i + target.count - shape.count
            strides[t] = shape[i] == 1 && target[t] != 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// Row-major contiguous strides.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) { strides[i] = step; step *= shape[i] }
        return strides
    }

    /// Sums a gradient of a broadcast result back to the shape of one operand (not recorded).
    func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        var current = self
        let lead = shape.count - target.count
        for axis in 0..<shape.count {
            let wanted = axis < lead ? 1 : target[axis - lead]
            if current.shape[axis] != 1 && wanted == 1 { current = current.sumValue(axis: axis) }
        }
        return current.reshapedValue(target)
    }

    /// Sum over one axis, keeping it with size 1 (not recorded).
    func sumValue(axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = 1
        let out = Tensor(uninitializedShape: outShape)
        reduceSum(output: out.storage.pointer, input: pointer, outer: outer, axis: shape[axis], inner: inner)
        return out
    }

    /// The same storage under another shape of equal element count (not recorded).
    func reshapedValue(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, storage: storage) }

    /// Copies this tensor stretched to `target` (which it must broadcast to; not recorded).
    func broadcastValue(to target: [Int]) -> Tensor {
        if shape == target { return detached() }
        let out = Tensor(uninitializedShape: target)
        let zero = Tensor(scalar: 0)
        binaryBroadcast(.add, output: out.storage.pointer, shape: target,
                        lhs: pointer, lhsStrides: Tensor.broadcastStrides(of: shape, to: target),
                        rhs: zero.pointer, rhsStrides: [Int](repeating: 0, count: target.count))
        return out
    }

    /// This tensor stretched to `shape` by broadcasting (PyTorch's `expand`, materialised).
    /// - Throws: ``TensorError/shapeMismatch(operation:_:_:reason:)`` when it does not broadcast.
    public func broadcast(to target: [Int]) throws -> Tensor {
        let joint = try Tensor.broadcastShape(shape, target, operation: "broadcast")
        guard joint == target else {
            throw TensorError.shapeMismatch(operation: "broadcast", shape, target, reason: "the tensor does not stretch to the target")
        }
        let inputShape = shape
        return Tensor.recording(broadcastValue(to: target), inputs: [self]) { g, _ in [g.summed(toShape: inputShape)] }
    }
}
