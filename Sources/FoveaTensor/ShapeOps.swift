// Operations that move elements without arithmetic: reshape, flatten, permute/transpose,
// narrowing (batch indexing), concatenation and split.

extension Tensor {
    /// The same elements under `newShape`; one dimension may be −1 and is then inferred.
    /// - Throws: when the element counts differ or more than one dimension is −1.
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        let known = newShape.filter { $0 != -1 }
        if let bad = known.first(where: { $0 < 0 }) {
            throw TensorError.invalidShape(newShape, reason: "dimension \(bad) is negative")
        }
        let knownCount = known.reduce(1, *)
        if unknown.count > 1 {
            throw TensorError.invalidShape(newShape, reason: "only one dimension may be -1")
        } else if let u = unknown.first {
            guard knownCount > 0, count % knownCount == 0 else {
                throw TensorError.shapeMismatch(operation: "reshape", shape, newShape, reason: "\(count) elements cannot be split into \(newShape)")
            }
            resolved[u] = count / knownCount
        }
        guard resolved.reduce(1, *) == count else {
            throw TensorError.shapeMismatch(operation: "reshape", shape, newShape, reason: "\(count) elements do not fill \(resolved.reduce(1, *))")
        }
        let inputShape = shape
        return Tensor.recording(reshapedValue(resolved), inputs: [self]) { g, _ in [g.reshapedValue(inputShape)] }
    }

    /// Collapses the dimensions from `startAxis` on into one (default: keep the batch axis).
    /// - Throws: for a bad axis.
    public func flattened(startingAt startAxis: Int = 1) throws -> Tensor {
        let a = startAxis == rank ? rank : try normalizedAxis(startAxis, operation: "flatten")
        return try reshaped(to: Array(shape[..<a]) + [shape[a...].reduce(1, *)])
    }

    /// The dimensions reordered: output dimension i is input dimension `axes[i]`.
    /// - Throws: when `axes` is not a permutation of `0..<rank`.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw TensorError.invalidArgument(operation: "permute", reason: "\(axes) is not a permutation of the \(rank) axes of shape \(shape)")
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Tensor.recording(permutedValue(axes), inputs: [self]) { g, _ in [g.permutedValue(inverse)] }
    }

    /// The last two dimensions swapped (a matrix transpose for rank 2).
    /// - Throws: for rank below 2.
    public func transposed() throws -> Tensor {
        guard rank >= 2 else {
            throw TensorError.invalidArgument(operation: "transpose", reason: "shape \(shape) has fewer than 2 dimensions")
        }
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return try permuted(axes)
    }

    func permutedValue(_ axes: [Int]) -> Tensor {
        let outShape = axes.map { shape[$0] }
        let inStrides = Tensor.contiguousStrides(shape)
        let strides = axes.map { inStrides[$0] }
        let out = Tensor(uninitializedShape: outShape)
        guard out.count > 0 else { return out }
        var index = [Int](repeating: 0, count: rank)
        let last = rank - 1
        let src = pointer, dst = out.storage.pointer
        var o = 0
        if rank == 0 { dst[0] = src[0]; return out }
        // Walk the output in order; the innermost dimension is a strided gather.
        while o < out.count {
            var base = 0
            for d in 0..<last { base += index[d] * strides[d] }
            let s = strides[last]
            for j in 0..<outShape[last] { dst[o + j] = src[base + j * s] }
            o += outShape[last]
            var d = last - 1
            while d >= 0 { index[d] += 1; if index[d] < outShape[d] { break }; index[d] = 0; d -= 1 }
        }
        return out
    }

    /// Elements `range` of dimension `axis` (PyTorch's `narrow`); `x.narrowed(axis: 0, range: 8..<16)`
    /// takes a batch slice.
    /// - Throws: for a bad axis or a range outside the dimension.
    public func narrowed(axis: Int, range: Range<Int>) throws -> Tensor {
        let a = try normalizedAxis(axis, operation: "narrow")
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            throw TensorError.indexOutOfRange(operation: "narrow", index: range.lowerBound < 0 ? range.lowerBound : range.upperBound, range: 0..<(shape[a] + 1))
        }
        let inputShape = shape
        return Tensor.recording(narrowedValue(axis: a, range: range), inputs: [self]) { g, _ in
            let dx = Tensor(zeroedShape: inputShape)
            Tensor.copyBlock(from: g, to: dx, axis: a, offset: range.lowerBound)
            return [dx]
        }
    }

    /// Example `index` of the batch: the tensor without its first dimension.
    /// - Throws: for a rank-0 tensor or an index outside the batch.
    public func example(_ index: Int) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidArgument(operation: "example", reason: "a scalar has no batch dimension") }
        guard index >= 0 && index < shape[0] else {
            throw TensorError.indexOutOfRange(operation: "example", index: index, range: 0..<shape[0])
        }
        return try narrowed(axis: 0, range: index..<(index + 1)).reshaped(to: Array(shape.dropFirst()))
    }

    func narrowedValue(axis: Int, range: Range<Int>) -> Tensor {
        var outShape = shape
        outShape[axis] = range.count
        let out = Tensor(uninitializedShape: outShape)
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        for o in 0..<outer {
            (out.storage.pointer + o * range.count * inner)
                .update(from: pointer + (o * shape[axis] + range.lowerBound) * inner, count: range.count * inner)
        }
        return out
    }

    /// Writes `block` into `target` at `offset` along `axis` (shapes agree elsewhere).
    static func copyBlock(from block: Tensor, to target: Tensor, axis: Int, offset: Int) {
        let outer = target.shape[..<axis].reduce(1, *), inner = target.shape[(axis + 1)...].reduce(1, *)
        let length = block.shape[axis], total = target.shape[axis]
        for o in 0..<outer {
            (target.storage.pointer + (o * total + offset) * inner)
                .update(from: block.pointer + o * length * inner, count: length * inner)
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    /// - Throws: for an empty list, a bad axis or disagreeing shapes (naming both).
    public static func concatenated(_ tensors: [Tensor], alongAxis axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: "concatenate", reason: "no tensors given")
        }
        let a = try first.normalizedAxis(axis, operation: "concatenate")
        for t in tensors.dropFirst() {
            var x = t.shape, y = first.shape
            guard x.count == y.count else {
                throw TensorError.shapeMismatch(operation: "concatenate", first.shape, t.shape, reason: "ranks differ")
            }
            x[a] = 0; y[a] = 0
            guard x == y else {
                throw TensorError.shapeMismatch(operation: "concatenate", first.shape, t.shape, reason: "only dimension \(a) may differ")
            }
        }
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let out = Tensor(uninitializedShape: outShape)
        var offsets: [Int] = []
        var offset = 0
        for t in tensors { offsets.append(offset); copyBlock(from: t, to: out, axis: a, offset: offset); offset += t.shape[a] }
        return recording(out, inputs: tensors) { g, needed in
            tensors.indices.map { i in
                needed[i] ? g.narrowedValue(axis: a, range: offsets[i]..<(offsets[i] + tensors[i].shape[a])) : nil
            }
        }
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the dimension).
    /// - Throws: for a bad axis or sizes that do not add up.
    public func split(sizes: [Int], alongAxis axis: Int = 0) throws -> [Tensor] {
        let a = try normalizedAxis(axis, operation: "split")
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[a] else {
            throw TensorError.invalidArgument(operation: "split", reason: "sizes \(sizes) do not add up to dimension \(a) of shape \(shape)")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try narrowed(axis: a, range: start..<(start + size))
        }
    }
}
