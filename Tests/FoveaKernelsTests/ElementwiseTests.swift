// Element-wise, reduction and softmax kernels: broadcasting against the naive loop, ReLU,
// sum/max reductions against their naive twins, softmax identities and gradients.

import Foundation
import FoveaKernels
import Testing

/// Row-major strides of `operand` broadcast to `output` (NumPy alignment from the right; 0 where
/// the operand has size 1 or no such dimension).
func broadcastStrides(_ operand: [Int], to output: [Int]) -> [Int] {
    var strides = [Int](repeating: 0, count: output.count)
    var stride = 1
    for k in 0..<operand.count {
        let d = output.count - 1 - k, size = operand[operand.count - 1 - k]
        strides[d] = size == 1 ? 0 : stride
        stride *= size
    }
    return strides
}

func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let n = max(a.count, b.count)
    let a = [Int](repeating: 1, count: n - a.count) + a, b = [Int](repeating: 1, count: n - b.count) + b
    return zip(a, b).map { max($0, $1) }
}

let allOperations: [BinaryOperation] = [.add, .subtract, .multiply, .divide, .maximum, .minimum]

@Suite struct ElementwiseTests {
    @Test func broadcastMatchesNaive() {
        let cases: [([Int], [Int])] = [
            ([2, 3, 4], [1, 3, 1]), ([5], [1]), ([1], [5]), ([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]),
            ([2, 1, 4], [3, 1]), ([3, 1], [2, 1, 4]), ([64, 33, 40], [1, 33, 1]), ([300, 200], [200]),
            ([300, 200], [300, 200]), ([7, 1], [1, 9]), ([0, 3], [3]), ([1, 1], [1]), ([], []), ([2, 3, 4, 5], [3, 1, 1]),
        ]
        var rng = TestRandom(seed: 20)
        for (ls, rs) in cases {
            let shape = broadcastShape(ls, rs), count = shape.reduce(1, *)
            var lhs = rng.floats(ls.reduce(1, *)), rhs = rng.floats(rs.reduce(1, *)).map { $0 + 2 }
            if lhs.count > 2 { lhs[1] = .nan }
            if rhs.count > 3 { rhs[3] = .nan }
            let lst = broadcastStrides(ls, to: shape), rst = broadcastStrides(rs, to: shape)
            for op in allOperations {
                var fast = [Float](repeating: 0, count: count), slow = fast
                fast.withUnsafeMutableBufferPointer {
                    binaryBroadcast(op, output: $0.baseAddress!, shape: shape, lhs: lhs, lhsStrides: lst, rhs: rhs, rhsStrides: rst)
                }
                slow.withUnsafeMutableBufferPointer {
                    binaryBroadcastNaive(op, output: $0.baseAddress!, shape: shape, lhs: lhs, lhsStrides: lst, rhs: rhs, rhsStrides: rst)
                }
                #expect(maxRelativeError(fast, slow) == 0, "\(op) \(ls) \(rs)")
            }
        }
    }

    @Test func broadcastReadsStridedOperands() {
        // lhs is the transpose of a 4×3 buffer (strides [1, 3]), rhs a column broadcast along rows.
        let buffer = (0..<12).map(Float.init), column: [Float] = [100, 200, 300]
        var out = [Float](repeating: 0, count: 12)
        out.withUnsafeMutableBufferPointer {
            binaryBroadcast(.add, output: $0.baseAddress!, shape: [3, 4], lhs: buffer, lhsStrides: [1, 3],
                            rhs: column, rhsStrides: [1, 0])
        }
        #expect(out == [100, 103, 106, 109, 201, 204, 207, 210, 302, 305, 308, 311])
        #expect(BinaryOperation.maximum(1, .nan).isNaN && BinaryOperation.minimum(.nan, 1).isNaN)
        #expect(BinaryOperation.maximum(1, 2) == 2 && BinaryOperation.minimum(1, 2) == 1)
    }

    @Test func reluForwardAndBackward() {
        let x: [Float] = [-2, -0.5, 0, 0.5, 3, .nan]
        var y = [Float](repeating: 7, count: x.count)
        y.withUnsafeMutableBufferPointer { reluForward(output: $0.baseAddress!, input: x, count: x.count) }
        #expect(Array(y[0..<5]) == [0, 0, 0, 0.5, 3] && y[5].isNaN)
        var dx: [Float] = [1, 1, 1, 1, 1, 1]
        dx.withUnsafeMutableBufferPointer {
            reluBackward(dInput: $0.baseAddress!, dOutput: [10, 10, 10, 10, 10, 10], input: x, count: x.count)
        }
        #expect(dx == [1, 1, 1, 11, 11, 1])
        // a large count takes the threaded path
        var rng = TestRandom(seed: 21)
        let big = rng.floats(100_003)
        var out = [Float](repeating: 0, count: big.count)
        out.withUnsafeMutableBufferPointer { reluForward(output: $0.baseAddress!, input: big, count: big.count) }
        #expect(out == big.map { max($0, 0) })
        // backward on a count that is not a multiple of 8, with NaN and ±0 inputs, against the
        // per-element definition
        var bx = big
        for i in stride(from: 1, to: bx.count, by: 97) { bx[i] = .nan }
        for i in stride(from: 2, to: bx.count, by: 89) { bx[i] = 0 }
        for i in stride(from: 3, to: bx.count, by: 83) { bx[i] = -0.0 }
        let bdy = rng.floats(bx.count), bdx0 = rng.floats(bx.count)
        var bdx = bdx0
        bdx.withUnsafeMutableBufferPointer { reluBackward(dInput: $0.baseAddress!, dOutput: bdy, input: bx, count: bx.count) }
        #expect(bdx == zip(zip(bdx0, bdy), bx).map { $0.0 + ($1 > 0 ? $0.1 : 0) })
    }

    static let reductionShapes: [(Int, Int, Int)] = [
        (3, 5, 1), (1, 100_000, 1), (2, 7, 9), (1, 3, 70_000), (4, 1, 5), (3, 0, 2), (40, 30, 50), (5, 2, 1),
    ]

    @Test func reduceSumMatchesNaive() {
        var rng = TestRandom(seed: 22)
        for (outer, axis, inner) in Self.reductionShapes {
            let x = rng.floats(outer * axis * inner)
            var fast = [Float](repeating: .nan, count: outer * inner), slow = fast
            fast.withUnsafeMutableBufferPointer { reduceSum(output: $0.baseAddress!, input: x, outer: outer, axis: axis, inner: inner) }
            slow.withUnsafeMutableBufferPointer { reduceSumNaive(output: $0.baseAddress!, input: x, outer: outer, axis: axis, inner: inner) }
            expectClose(fast, slow, tolerance: 1e-5 * Float(max(1, axis)).squareRoot(), "\((outer, axis, inner))")
        }
        var two = [Float](repeating: 0, count: 2)
        two.withUnsafeMutableBufferPointer { reduceSum(output: $0.baseAddress!, input: [1, 2, 3, 4, 5, 6], outer: 1, axis: 3, inner: 2) }
        #expect(two == [9, 12])
    }

    @Test func reduceMaxMatchesNaive() {
        var rng = TestRandom(seed: 23)
        for (outer, axis, inner) in Self.reductionShapes {
            var x = rng.floats(outer * axis * inner).map { ($0 * 3).rounded() }  // ties
            for i in stride(from: 11, to: x.count, by: 29) { x[i] = .nan }
            var fast = [Float](repeating: 0, count: outer * inner), slow = fast
            var fi = [Int32](repeating: 9, count: outer * inner), si = fi
            fast.withUnsafeMutableBufferPointer { f in
                fi.withUnsafeMutableBufferPointer {
                    reduceMax(output: f.baseAddress!, argmax: $0.baseAddress!, input: x, outer: outer, axis: axis, inner: inner)
                }
            }
            slow.withUnsafeMutableBufferPointer { s in
                si.withUnsafeMutableBufferPointer {
                    reduceMaxNaive(output: s.baseAddress!, argmax: $0.baseAddress!, input: x, outer: outer, axis: axis, inner: inner)
                }
            }
            #expect(maxRelativeError(fast, slow) == 0 && fi == si, "\((outer, axis, inner))")
            var noIndex = [Float](repeating: 0, count: outer * inner)
            noIndex.withUnsafeMutableBufferPointer {
                reduceMax(output: $0.baseAddress!, argmax: nil, input: x, outer: outer, axis: axis, inner: inner)
            }
            #expect(maxRelativeError(noIndex, slow) == 0, "\((outer, axis, inner)) without argmax")
        }
        var m: [Float] = [0], i: [Int32] = [0]
        m.withUnsafeMutableBufferPointer { m in
            i.withUnsafeMutableBufferPointer {
                reduceMax(output: m.baseAddress!, argmax: $0.baseAddress!, input: [1, 5, 2, 5], outer: 1, axis: 4, inner: 1)
            }
        }
        #expect(m == [5] && i == [1])  // first of the tied maxima
    }
}

/// Softmax over the axis of an [outer, axis, inner] view, in Double.
func softmaxReference(_ x: [Double], _ outer: Int, _ axis: Int, _ inner: Int) -> [Double] {
    var y = x
    for o in 0..<outer {
        for i in 0..<inner {
            let idx = (0..<axis).map { (o * axis + $0) * inner + i }
            let m = idx.map { x[$0] }.max()!
            let s = idx.map { Foundation.exp(x[$0] - m) }.reduce(0, +)
            for j in idx { y[j] = Foundation.exp(x[j] - m) / s }
        }
    }
    return y
}

@Suite struct SoftmaxTests {
    static let shapes: [(Int, Int, Int)] = [(3, 5, 1), (2, 4, 3), (1, 7, 1), (4, 1, 2), (1, 4, 40_000)]

    func run(_ f: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int, Int) -> Void,
             _ x: [Float], _ shape: (Int, Int, Int)) -> [Float] {
        var y = [Float](repeating: .nan, count: x.count)
        y.withUnsafeMutableBufferPointer { f($0.baseAddress!, x, shape.0, shape.1, shape.2) }
        return y
    }

    @Test func softmaxMatchesDoubleReferenceAndSumsToOne() {
        var rng = TestRandom(seed: 30)
        for shape in Self.shapes {
            let (outer, axis, inner) = shape
            let x = rng.floats(outer * axis * inner).map { $0 * 5 }
            let y = run({ softmax(output: $0, input: $1, outer: $2, axis: $3, inner: $4) }, x, shape)
            let reference = softmaxReference(x.map(Double.init), outer, axis, inner).map(Float.init)
            expectClose(y, reference, tolerance: 1e-6, "\(shape)")
            var sums = [Float](repeating: 0, count: outer * inner)
            sums.withUnsafeMutableBufferPointer { reduceSum(output: $0.baseAddress!, input: y, outer: outer, axis: axis, inner: inner) }
            #expect(sums.allSatisfy { abs($0 - 1) < 1e-5 }, "\(shape)")
        }
    }

    @Test func logSoftmaxIsLogOfSoftmaxAndStaysFiniteForHugeInputs() {
        var rng = TestRandom(seed: 31)
        for shape in Self.shapes {
            let (outer, axis, inner) = shape
            let x = rng.floats(outer * axis * inner).map { $0 * 10 }
            let y = run({ logSoftmax(output: $0, input: $1, outer: $2, axis: $3, inner: $4) }, x, shape)
            let s = run({ softmax(output: $0, input: $1, outer: $2, axis: $3, inner: $4) }, x, shape)
            expectClose(y, s.map { Foundation.log($0) }, tolerance: 1e-5, "\(shape)")
        }
        let huge: [Float] = [1e4, 1e4 - 1, -1e4, 1e4]
        let ls = run({ logSoftmax(output: $0, input: $1, outer: $2, axis: $3, inner: $4) }, huge, (1, 4, 1))
        let sm = run({ softmax(output: $0, input: $1, outer: $2, axis: $3, inner: $4) }, huge, (1, 4, 1))
        #expect(ls.allSatisfy(\.isFinite) && sm.allSatisfy(\.isFinite))
        let lse = Foundation.log(2 + Foundation.exp(-1.0))
        #expect(abs(Double(ls[0]) + lse) < 1e-5 && abs(Double(ls[1]) + 1 + lse) < 1e-5 && ls[2] < -1e4)
        // in place
        var inPlace: [Float] = [1, 2, 3]
        inPlace.withUnsafeMutableBufferPointer { softmax(output: $0.baseAddress!, input: $0.baseAddress!, outer: 1, axis: 3, inner: 1) }
        #expect(close(inPlace, softmaxReference([1, 2, 3], 1, 3, 1).map(Float.init), tolerance: 1e-6))
    }

    /// Central finite differences of L(x) = Σ dy · f(x) in Double, against the kernels' backward.
    @Test(arguments: [false, true])
    func backwardMatchesFiniteDifferences(logarithm: Bool) {
        var rng = TestRandom(seed: 32)
        for shape in Self.shapes.dropLast() {
            let (outer, axis, inner) = shape
            let x = rng.floats(outer * axis * inner).map { $0 * 2 }, dy = rng.floats(x.count)
            func loss(_ xd: [Double]) -> Double {
                let s = softmaxReference(xd, outer, axis, inner)
                return zip(dy, s).map { Double($0) * (logarithm ? Foundation.log($1) : $1) }.reduce(0, +)
            }
            let h = 1e-6
            let numeric: [Float] = x.indices.map { j in
                var plus = x.map(Double.init), minus = plus
                plus[j] += h; minus[j] -= h
                return Float((loss(plus) - loss(minus)) / (2 * h))
            }
            let y = logarithm
                ? run({ logSoftmax(output: $0, input: $1, outer: $2, axis: $3, inner: $4) }, x, shape)
                : run({ softmax(output: $0, input: $1, outer: $2, axis: $3, inner: $4) }, x, shape)
            let start = rng.floats(x.count)
            var dx = start
            dx.withUnsafeMutableBufferPointer {
                if logarithm {
                    logSoftmaxBackward(dInput: $0.baseAddress!, dOutput: dy, output: y, outer: outer, axis: axis, inner: inner)
                } else {
                    softmaxBackward(dInput: $0.baseAddress!, dOutput: dy, output: y, outer: outer, axis: axis, inner: inner)
                }
            }
            let added = zip(dx, start).map { $0 - $1 }  // accumulates onto the starting values
            expectClose(added, numeric, tolerance: 1e-4, "\(shape)")
        }
    }
}
