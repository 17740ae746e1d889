// The errors tensor operations throw for anything a caller can get wrong.

/// An operation refused its arguments. Each case names the operation and the values at fault.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// The number of scalars does not fill the shape.
    case scalarCountMismatch(shape: [Int], expected: Int, got: Int)
    /// A dimension is negative.
    case invalidShape([Int], reason: String)
    /// Two shapes that the operation needs compatible are not.
    case shapeMismatch(operation: String, [Int], [Int], reason: String)
    /// An axis or index is outside its range.
    case indexOutOfRange(operation: String, index: Int, range: Range<Int>)
    /// An argument value is not allowed.
    case invalidArgument(operation: String, reason: String)

    public var description: String {
        switch self {
        case let .scalarCountMismatch(shape, expected, got):
            return "shape \(shape) needs \(expected) scalars, got \(got)"
        case let .invalidShape(shape, reason):
            return "invalid shape \(shape): \(reason)"
        case let .shapeMismatch(op, a, b, reason):
            return "\(op): shapes \(a) and \(b) do not match: \(reason)"
        case let .indexOutOfRange(op, index, range):
            return "\(op): index \(index) is outside \(range.lowerBound)..<\(range.upperBound)"
        case let .invalidArgument(op, reason):
            return "\(op): \(reason)"
        }
    }
}

extension TensorError: LocalizedError {
    public var errorDescription: String? { description }
}

import Foundation
