// Tensor: float32, contiguous, row-major, a value type with copy-on-write storage.
// It may carry an autodiff node: then operations on it are recorded for `backward()`.

/// An n-dimensional array of `Float`, row-major and contiguous.
///
/// `Tensor` is a value: copying it is cheap and a copy never sees later writes to the original
/// (storage is shared until one of them writes). Activations are NCHW, convolution weights
/// `[out, in/groups, kh, kw]`, linear weights `[out, in]`, as in PyTorch.
///
/// A tensor that requires a gradient (``requiringGradient()``, or a layer's parameter) makes every
/// differentiable operation on it record how to send gradients back; ``backward(seed:)`` then fills
/// ``gradient`` of every leaf it depends on.
public struct Tensor: @unchecked Sendable {
    /// The size of each dimension, outermost first.
    public private(set) var shape: [Int]
    var storage: TensorStorage
    var node: AutodiffNode?

    // MARK: Creation

    /// A tensor with the given scalars in row-major order.
    /// - Throws: ``TensorError`` when a dimension is negative or `scalars.count` does not fill `shape`.
    public init(shape: [Int], scalars: [Float]) throws {
        let count = try Tensor.elementCount(of: shape)
        guard scalars.count == count else {
            throw TensorError.scalarCountMismatch(shape: shape, expected: count, got: scalars.count)
        }
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: count) }
    }

    /// A rank-1 tensor holding `scalars`.
    public init(_ scalars: [Float]) {
        self.init(uninitializedShape: [scalars.count])
        scalars.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { storage.pointer.update(from: base, count: buffer.count) }
        }
    }

    /// A rank-0 tensor (a scalar).
    public init(scalar: Float) {
        self.init(uninitializedShape: [])
        storage.pointer[0] = scalar
    }

    /// A tensor of `shape` filled with `value`.
    /// - Throws: ``TensorError/invalidShape(_:reason:)`` for a negative dimension.
    public init(repeating value: Float, shape: [Int]) throws {
        let count = try Tensor.elementCount(of: shape)
        self.shape = shape
        storage = TensorStorage(repeating: value, count: count)
    }

    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(repeating: 0, shape: shape) }
    /// Ones of `shape`.
    public static func ones(_ shape: [Int]) throws -> Tensor { try Tensor(repeating: 1, shape: shape) }

    /// Internal: storage of the right size, contents undefined. The shape must be valid.
    init(uninitializedShape shape: [Int]) {
        self.shape = shape
        storage = TensorStorage(uninitializedCount: shape.reduce(1, *))
    }

    /// Internal: zero-filled, the shape must be valid.
    init(zeroedShape shape: [Int]) {
        self.shape = shape
        storage = TensorStorage(repeating: 0, count: shape.reduce(1, *))
    }

    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    /// The number of elements a shape holds, or an error naming a negative dimension.
    static func elementCount(of shape: [Int]) throws -> Int {
        if let bad = shape.first(where: { $0 < 0 }) {
            throw TensorError.invalidShape(shape, reason: "dimension \(bad) is negative")
        }
        return shape.reduce(1, *)
    }

    // MARK: Properties

    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { storage.count }
    /// All elements in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The single element of a one-element tensor.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` when the tensor has another size.
    public func item() throws -> Float {
        guard count == 1 else {
            throw TensorError.invalidArgument(operation: "item", reason: "tensor of shape \(shape) has \(count) elements, not 1")
        }
        return storage.pointer[0]
    }

    /// The same values, cut off from any recorded computation (like PyTorch's `detach()`).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    // MARK: Raw access

    /// Calls `body` with the elements in row-major order.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Calls `body` with writable elements, copying the storage first if it is shared.
    /// Writing cuts the tensor off from any recorded computation.
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        node = nil
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Internal: ensures this tensor owns its storage alone, before writing to it (which
    /// invalidates the weights packed from it).
    mutating func makeUnique() {
        if isKnownUniquelyReferenced(&storage) { storage.valuesWillChange() } else { storage = storage.copy() }
    }

    /// Internal read pointer (valid while `self` is alive).
    var pointer: UnsafePointer<Float> { UnsafePointer(storage.pointer) }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

extension Tensor: Equatable {
    /// Equal shapes and bit-equal elements (NaN ≠ NaN). For numerics, compare with a tolerance.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && (lhs.storage === rhs.storage || lhs.scalars == rhs.scalars)
    }
}

import Foundation
