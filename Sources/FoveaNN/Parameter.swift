// Trainable state with identity: a Parameter owns a leaf tensor that collects gradients.

/// A trainable tensor. Layers own their parameters; optimizers and checkpoints find them by name
/// through ``Layer/namedParameters``.
public final class Parameter: @unchecked Sendable {
    /// The current values, a leaf that collects gradients when used in a recorded computation.
    public private(set) var value: Tensor

    /// A parameter holding `initial`.
    public init(_ initial: Tensor) { value = initial.requiringGradient() }

    /// The shape of the values.
    public var shape: [Int] { value.shape }
    /// The number of values.
    public var count: Int { value.count }
    /// The gradient accumulated by `backward()` since the last ``zeroGradient()``, or nil.
    public var gradient: Tensor? { value.gradient }

    /// Forgets the accumulated gradient.
    public func zeroGradient() { value.zeroGradient() }

    /// Overwrites the accumulated gradient in place (gradient clipping); returns nil and does
    /// nothing when there is no gradient.
    @discardableResult
    public func updateGradient<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R? {
        try value.updateGradientInPlace(body)
    }

    /// Overwrites the values in place (optimizer steps, loading a checkpoint).
    public func update<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try value.updateLeafInPlace(body)
    }

    /// Replaces the values with `newValue`.
    /// - Throws: ``TensorError/shapeMismatch(operation:_:_:reason:)`` when the shapes differ.
    public func assign(_ newValue: Tensor) throws {
        guard newValue.shape == shape else {
            throw TensorError.shapeMismatch(operation: "assign", shape, newValue.shape, reason: "a parameter keeps its shape")
        }
        newValue.withUnsafeBufferPointer { source in update { _ = $0.update(fromContentsOf: source) } }
    }
}
