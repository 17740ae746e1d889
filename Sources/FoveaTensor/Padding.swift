// How convolution and pooling pad their input, resolved to explicit per-side amounts.

/// Zero padding around the spatial dimensions of a convolution or pooling input.
///
/// - `valid`: none; `out = (in − dilation·(k−1) − 1) / stride + 1`.
/// - `same`: TensorFlow/ONNX SAME_UPPER: `out = ceil(in / stride)`, total padding
///   `max((out − 1)·stride + (k − 1)·dilation + 1 − in, 0)`, the odd extra on the end.
/// - `sameLower`: as `same` with the odd extra at the beginning (ONNX SAME_LOWER).
/// - `full`: `dilation·(k − 1)` on each side, so every partial overlap is computed.
/// - `explicit(before:after:)`: per spatial dimension (height, width), non-negative.
public enum Padding: Hashable, Sendable {
    case valid
    case same
    case sameLower
    case full
    case explicit(before: [Int], after: [Int])

    /// The same amount `p` on every side of every spatial dimension (PyTorch's `padding=p`).
    public static func explicit(_ p: Int) -> Padding { .uniform(p) }

    /// The same amount `p` on every side of every spatial dimension.
    public static func uniform(_ p: Int) -> Padding { .explicit(before: [p], after: [p]) }

    /// Per-side amounts for an input of spatial size `input` (one entry per spatial dimension).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for negative or mismatched amounts.
    public func resolve(input: [Int], kernel: [Int], stride: [Int], dilation: [Int]) throws -> (before: [Int], after: [Int]) {
        let dims = input.count
        switch self {
        case .valid:
            return ([Int](repeating: 0, count: dims), [Int](repeating: 0, count: dims))
        case .same, .sameLower:
            var before: [Int] = [], after: [Int] = []
            for i in 0..<dims {
                let out = (input[i] + stride[i] - 1) / stride[i]
                let total = Swift.max((out - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - input[i], 0)
                let small = total / 2
                before.append(self == .same ? small : total - small)
                after.append(self == .same ? total - small : small)
            }
            return (before, after)
        case .full:
            let p = (0..<dims).map { (kernel[$0] - 1) * dilation[$0] }
            return (p, p)
        case let .explicit(before, after):
            let b = before.count == 1 ? [Int](repeating: before[0], count: dims) : before
            let a = after.count == 1 ? [Int](repeating: after[0], count: dims) : after
            guard b.count == dims, a.count == dims else {
                throw TensorError.invalidArgument(operation: "padding", reason: "explicit padding \(before)/\(after) needs 1 or \(dims) values per side")
            }
            if let bad = (b + a).first(where: { $0 < 0 }) {
                throw TensorError.invalidArgument(operation: "padding", reason: "padding \(bad) is negative")
            }
            return (b, a)
        }
    }
}
