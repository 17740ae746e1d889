// Element-wise kernels: broadcasting binary arithmetic over strided operands, and ReLU.
// shape = the output's dimensions (row-major, contiguous); strides are in elements, 0 broadcasts
//
// binaryBroadcast first simplifies the layout (drops size-1 dimensions, merges dimensions that are
// contiguous in both operands), then runs a tight loop along the last dimension, specialised for
// the stride pairs (1,1) same-shape, (1,0) / (0,1) scalar or per-channel operand, and any other.
// The bias-like [B, F] + [F] case becomes a (1,1) loop over F per row, and the per-channel
// [N, C, HW] + [1, C, 1] case a vector-plus-scalar loop over HW.

/// An element-wise binary operation.
public enum BinaryOperation: Sendable {
    case add, subtract, multiply, divide
    /// The larger operand; NaN if either is NaN (like `torch.maximum`).
    case maximum
    /// The smaller operand; NaN if either is NaN (like `torch.minimum`).
    case minimum

    /// `a op b` for one pair of numbers.
    @inlinable
    public func callAsFunction(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .maximum: a > b || a.isNaN ? a : b
        case .minimum: a < b || a.isNaN ? a : b
        }
    }
}

/// `output[idx] = lhs[idx·lhsStrides] op rhs[idx·rhsStrides]` for every multi-index `idx` of
/// `shape`; the output is contiguous row-major, the operands are read through element strides
/// (a stride of 0 broadcasts that dimension). Uses up to `Parallel.availableThreads` threads for
/// large outputs. The output must not overlap an operand unless it is that operand read
/// contiguously with the same shape.
///
/// - Parameters:
///   - shape: the output's dimensions; `lhsStrides` and `rhsStrides` have one entry per dimension.
public func binaryBroadcast(
    _ op: BinaryOperation, output: UnsafeMutablePointer<Float>, shape: [Int],
    lhs: UnsafePointer<Float>, lhsStrides: [Int], rhs: UnsafePointer<Float>, rhsStrides: [Int]
) {
    precondition(shape.count == lhsStrides.count && shape.count == rhsStrides.count,
                 "binaryBroadcast: shape \(shape) with strides \(lhsStrides) and \(rhsStrides)")
    switch op {
    case .add: broadcast(AddFunction.self, output, shape, lhs, lhsStrides, rhs, rhsStrides)
    case .subtract: broadcast(SubtractFunction.self, output, shape, lhs, lhsStrides, rhs, rhsStrides)
    case .multiply: broadcast(MultiplyFunction.self, output, shape, lhs, lhsStrides, rhs, rhsStrides)
    case .divide: broadcast(DivideFunction.self, output, shape, lhs, lhsStrides, rhs, rhsStrides)
    case .maximum: broadcast(MaximumFunction.self, output, shape, lhs, lhsStrides, rhs, rhsStrides)
    case .minimum: broadcast(MinimumFunction.self, output, shape, lhs, lhsStrides, rhs, rhsStrides)
    }
}

/// Reference twin of ``binaryBroadcast(_:output:shape:lhs:lhsStrides:rhs:rhsStrides:)``: one
/// element at a time, each multi-index decoded from the linear output index.
public func binaryBroadcastNaive(
    _ op: BinaryOperation, output: UnsafeMutablePointer<Float>, shape: [Int],
    lhs: UnsafePointer<Float>, lhsStrides: [Int], rhs: UnsafePointer<Float>, rhsStrides: [Int]
) {
    let count = shape.reduce(1, *)
    for linear in 0..<count {
        var rest = linear, l = 0, r = 0
        for d in shape.indices.reversed() {
            let i = rest % shape[d]
            rest /= shape[d]
            l += i * lhsStrides[d]
            r += i * rhsStrides[d]
        }
        output[linear] = op(lhs[l], rhs[r])
    }
}

/// `output[i] = max(input[i], 0)` (NaN stays NaN). `output` may be `input`.
public func reluForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    Parallel.forRanges(count, grain: 1 << 15) { range in
        for i in range {
            let x = input[i]
            output[i] = x < 0 ? 0 : x
        }
    }
}

/// `dInput[i] += dOutput[i]` where `input[i] > 0`. Accumulates (`+=`).
public func reluBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    Parallel.forRanges(count, grain: 1 << 15) { range in
        // Eight lanes at a time without a branch (the scalar ternary compiled to a branch and a
        // conditional load per element): the same `dx + (x > 0 ? dy : 0)` per element.
        var i = range.lowerBound
        let zero = SIMD8<Float>(repeating: 0)
        while i + 8 <= range.upperBound {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD8<Float>.self)
            let dy = UnsafeRawPointer(dOutput + i).loadUnaligned(as: SIMD8<Float>.self)
            let dx = UnsafeRawPointer(dInput + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(dInput + i).storeBytes(of: dx + zero.replacing(with: dy, where: x .> 0), as: SIMD8<Float>.self)
            i += 8
        }
        while i < range.upperBound { dInput[i] += input[i] > 0 ? dOutput[i] : 0; i += 1 }
    }
}

// MARK: - Broadcast machinery

private protocol FloatBinaryFunction { static func apply(_ a: Float, _ b: Float) -> Float }
private enum AddFunction: FloatBinaryFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b }
}
private enum SubtractFunction: FloatBinaryFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b }
}
private enum MultiplyFunction: FloatBinaryFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b }
}
private enum DivideFunction: FloatBinaryFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b }
}
private enum MaximumFunction: FloatBinaryFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a > b || a.isNaN ? a : b }
}
private enum MinimumFunction: FloatBinaryFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a < b || a.isNaN ? a : b }
}

/// The simplified iteration space: size-1 dimensions dropped, contiguous neighbours merged.
/// Always at least one dimension.
private struct BroadcastLayout {
    var shape: [Int] = [], lhs: [Int] = [], rhs: [Int] = []

    init(_ shape: [Int], _ lhsStrides: [Int], _ rhsStrides: [Int]) {
        for d in shape.indices where shape[d] != 1 {
            if let last = self.shape.indices.last,
               lhs[last] == lhsStrides[d] * shape[d], rhs[last] == rhsStrides[d] * shape[d] {
                self.shape[last] *= shape[d]
                lhs[last] = lhsStrides[d]
                rhs[last] = rhsStrides[d]
            } else {
                self.shape.append(shape[d])
                lhs.append(lhsStrides[d])
                rhs.append(rhsStrides[d])
            }
        }
        if self.shape.isEmpty { self.shape = [1]; lhs = [0]; rhs = [0] }
    }
}

private func broadcast<F: FloatBinaryFunction>(
    _: F.Type, _ output: UnsafeMutablePointer<Float>, _ shape: [Int],
    _ lhs: UnsafePointer<Float>, _ lhsStrides: [Int], _ rhs: UnsafePointer<Float>, _ rhsStrides: [Int]
) {
    let count = shape.reduce(1, *)
    guard count > 0 else { return }
    let layout = BroadcastLayout(shape, lhsStrides, rhsStrides)
    let last = layout.shape.count - 1
    let inner = layout.shape[last], li = layout.lhs[last], ri = layout.rhs[last]
    Parallel.forRanges(count, grain: 1 << 15) { range in
        // Decode the start of this range, then walk it run by run along the last dimension.
        var index = [Int](repeating: 0, count: layout.shape.count)
        var rest = range.lowerBound, l = 0, r = 0
        for d in layout.shape.indices.reversed() {
            index[d] = rest % layout.shape[d]
            rest /= layout.shape[d]
            l += index[d] * layout.lhs[d]
            r += index[d] * layout.rhs[d]
        }
        var position = range.lowerBound
        while position < range.upperBound {
            let run = min(inner - index[last], range.upperBound - position)
            broadcastRun(F.self, output + position, lhs + l, li, rhs + r, ri, run)
            position += run
            index[last] += run
            l += run * li
            r += run * ri
            var d = last
            while d > 0 && index[d] == layout.shape[d] {
                l -= layout.shape[d] * layout.lhs[d]
                r -= layout.shape[d] * layout.rhs[d]
                index[d] = 0
                d -= 1
                index[d] += 1
                l += layout.lhs[d]
                r += layout.rhs[d]
            }
        }
    }
}

@inline(__always)
private func broadcastRun<F: FloatBinaryFunction>(
    _: F.Type, _ out: UnsafeMutablePointer<Float>, _ l: UnsafePointer<Float>, _ ls: Int,
    _ r: UnsafePointer<Float>, _ rs: Int, _ n: Int
) {
    switch (ls, rs) {
    case (1, 1): for i in 0..<n { out[i] = F.apply(l[i], r[i]) }
    case (1, 0): let b = r[0]; for i in 0..<n { out[i] = F.apply(l[i], b) }
    case (0, 1): let a = l[0]; for i in 0..<n { out[i] = F.apply(a, r[i]) }
    default: for i in 0..<n { out[i] = F.apply(l[i * ls], r[i * rs]) }
    }
}
