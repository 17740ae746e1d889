// Kernel sizes, strides and dilations written as `5` or `[3, 5]`, like PyTorch's int-or-tuple.

/// One value for every spatial dimension (`5`) or one per dimension (`[3, 5]`).
public struct SpatialSize: Hashable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The values as written.
    public let values: [Int]

    public init(_ values: [Int]) { self.values = values }
    public init(integerLiteral value: Int) { values = [value] }
    public init(arrayLiteral elements: Int...) { values = elements }

    /// The values for `dimensions` spatial dimensions, or an error naming `what` and the values.
    public func expanded(to dimensions: Int, what: String) throws -> [Int] {
        let v = values.count == 1 ? [Int](repeating: values[0], count: dimensions) : values
        guard v.count == dimensions, v.allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument(operation: what, reason: "\(values) must be one or \(dimensions) positive values")
        }
        return v
    }

    public var description: String { values.count == 1 ? "\(values[0])" : "\(values)" }
}
