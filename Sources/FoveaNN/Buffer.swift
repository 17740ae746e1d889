// Non-trainable layer state with identity: running statistics that a checkpoint saves and loads
// but no optimizer touches (PyTorch's registered buffers).

/// A tensor of state that a layer updates itself (batch normalisation's running mean and
/// variance, its batch counter). Buffers are listed by ``Layer/namedBuffers`` for checkpoints;
/// they never collect gradients and are not in ``Layer/parameters``.
public final class Buffer: @unchecked Sendable {
    /// The current values (never recorded for gradients).
    public private(set) var value: Tensor

    /// A buffer holding `initial` (detached from any recorded computation).
    public init(_ initial: Tensor) { value = initial.detached() }

    /// The shape of the values.
    public var shape: [Int] { value.shape }

    /// Replaces the values with `newValue` (detached), as loading a checkpoint does.
    /// - Throws: ``TensorError/shapeMismatch(operation:_:_:reason:)`` when the shapes differ.
    public func assign(_ newValue: Tensor) throws {
        guard newValue.shape == shape else {
            throw TensorError.shapeMismatch(operation: "Buffer.assign", shape, newValue.shape, reason: "a buffer keeps its shape")
        }
        value = newValue.detached()
    }

    /// Overwrites the values in place.
    public func update<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try value.withUnsafeMutableBufferPointer(body)
    }
}
