// Explicit padding of the spatial dimensions with zeros, reflection, replication or wrap-around,
// as PyTorch's `padding_mode` and `F.pad` do. Convolutions with a non-zero mode pad this way
// first and then convolve without padding.

/// What fills the border a padding adds.
public enum PaddingMode: String, Hashable, Sendable, CaseIterable {
    /// Zeros (every framework's default).
    case zeros
    /// The input mirrored about its edge, edge excluded: `[a b c]` padded by 2 → `c b [a b c] b a`.
    case reflect
    /// The edge value repeated: `a a [a b c] c c`.
    case replicate
    /// The input wrapped around: `b c [a b c] a b`.
    case circular
}

extension Tensor {
    /// The tensor padded on its spatial dimensions (every dimension after the first two, as in
    /// `[N, C, *spatial]`) by `before[i]`/`after[i]` elements, filled as `mode` says.
    ///
    /// - Throws: when the lists do not have one entry per spatial dimension, a pad is negative, or
    ///   `reflect` pads by as much as the dimension (PyTorch's rule), or `circular` by more.
    public func padded(before: [Int], after: [Int], mode: PaddingMode = .zeros) throws -> Tensor {
        let dims = rank - 2
        guard dims >= 1, before.count == dims, after.count == dims else {
            throw TensorError.invalidArgument(operation: "pad", reason: "shape \(shape) needs \(Swift.max(dims, 0)) before/after pads, got \(before)/\(after)")
        }
        for i in 0..<dims {
            let size = shape[2 + i], most = Swift.max(before[i], after[i])
            if Swift.min(before[i], after[i]) < 0 {
                throw TensorError.invalidArgument(operation: "pad", reason: "padding \(before)/\(after) must not be negative")
            }
            if mode == .reflect && most >= size {
                throw TensorError.invalidArgument(operation: "pad", reason: "reflect padding \(most) must be smaller than the dimension \(size)")
            }
            if mode == .circular && most > size {
                throw TensorError.invalidArgument(operation: "pad", reason: "circular padding \(most) must not exceed the dimension \(size)")
            }
            if (mode == .replicate) && size == 0 && most > 0 {
                throw TensorError.invalidArgument(operation: "pad", reason: "cannot replicate an empty dimension")
            }
        }
        // Per dimension, the source coordinate of every output coordinate (−1: a zero).
        let maps: [[Int]] = (0..<dims).map { i in
            let size = shape[2 + i]
            return (0..<(before[i] + size + after[i])).map { Tensor.sourceIndex($0 - before[i], size: size, mode: mode) }
        }
        let outShape = Array(shape[..<2]) + (0..<dims).map { shape[2 + $0] + before[$0] + after[$0] }
        let plane = shape[2...].reduce(1, *), outPlane = outShape[2...].reduce(1, *)
        let planes = shape[0] * shape[1]
        // The flat source index of every output position of one plane (−1 for zeros).
        var gather = [Int](repeating: 0, count: outPlane)
        let inStrides = Tensor.contiguousStrides(Array(shape[2...]))
        var index = [Int](repeating: 0, count: dims)
        for o in 0..<outPlane {
            var source = 0
            for d in 0..<dims {
                let s = maps[d][index[d]]
                if s < 0 { source = -1; break }
                source += s * inStrides[d]
            }
            gather[o] = source
            var d = dims - 1
            while d >= 0 { index[d] += 1; if index[d] < outShape[2 + d] { break }; index[d] = 0; d -= 1 }
        }
        let value = Tensor(uninitializedShape: outShape)
        for p in 0..<planes {
            let x = pointer + p * plane, y = value.storage.pointer + p * outPlane
            for o in 0..<outPlane { y[o] = gather[o] < 0 ? 0 : x[gather[o]] }
        }
        let inputShape = shape
        return Tensor.recording(value, inputs: [self]) { grad, _ in
            let dx = Tensor(zeroedShape: inputShape)
            for p in 0..<planes {
                let dy = grad.pointer + p * outPlane, d = dx.storage.pointer + p * plane
                for o in 0..<outPlane where gather[o] >= 0 { d[gather[o]] += dy[o] }
            }
            return [dx]
        }
    }

    /// Where output coordinate `i` (relative to the input's start) reads from, or −1 for zero.
    private static func sourceIndex(_ i: Int, size: Int, mode: PaddingMode) -> Int {
        if i >= 0 && i < size { return i }
        switch mode {
        case .zeros: return -1
        case .replicate: return i < 0 ? 0 : size - 1
        case .circular: return ((i % size) + size) % size
        case .reflect:
            guard size > 1 else { return 0 }
            let period = 2 * (size - 1)
            let m = ((i % period) + period) % period
            return m < size ? m : period - m
        }
    }

    /// The tensor with its order reversed along each of `axes` (negative axes count from the end).
    /// - Throws: for an axis outside the tensor.
    public func flipped(axes: [Int]) throws -> Tensor {
        let normalized = Set(try axes.map { try normalizedAxis($0, operation: "flip") })
        let value = flippedValue(normalized)
        return Tensor.recording(value, inputs: [self]) { grad, _ in [grad.flippedValue(normalized)] }
    }

    private func flippedValue(_ axes: Set<Int>) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let strides = Tensor.contiguousStrides(shape)
        var index = [Int](repeating: 0, count: rank)
        for o in 0..<count {
            var source = 0
            for d in 0..<rank { source += (axes.contains(d) ? shape[d] - 1 - index[d] : index[d]) * strides[d] }
            out.storage.pointer[o] = pointer[source]
            var d = rank - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return out
    }
}
