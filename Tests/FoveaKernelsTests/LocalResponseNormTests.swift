// Local response normalisation: fast against naive, a hand-worked case, and the gradient against
// central finite differences of a Double reference.

import Foundation
import FoveaKernels
import Testing

/// PyTorch's LocalResponseNorm in Double over [N, C, HW].
func lrnReference(_ x: [Double], _ n: Int, _ c: Int, _ hw: Int, _ p: LocalResponseNormParameters) -> [Double] {
    var y = x
    for b in 0..<n {
        for ch in 0..<c {
            for i in 0..<hw {
                var sum = 0.0
                for other in max(0, ch - p.size / 2)...min(c - 1, ch + (p.size - 1) / 2) {
                    sum += x[(b * c + other) * hw + i] * x[(b * c + other) * hw + i]
                }
                let scale = Double(p.k) + Double(p.alpha) / Double(p.size) * sum
                y[(b * c + ch) * hw + i] = x[(b * c + ch) * hw + i] * Foundation.pow(scale, -Double(p.beta))
            }
        }
    }
    return y
}

@Suite struct LocalResponseNormTests {
    static let cases: [(Int, Int, Int, LocalResponseNormParameters)] = [
        (2, 7, 5, LocalResponseNormParameters(size: 5, alpha: 0.5, beta: 0.75, k: 2)),
        (1, 3, 4, LocalResponseNormParameters(size: 1, alpha: 1, beta: 0.5, k: 1)),
        (2, 4, 3, LocalResponseNormParameters(size: 4, alpha: 0.3, beta: 0.75, k: 1)),
        (1, 1, 2, LocalResponseNormParameters(size: 3)),
        (3, 16, 700, LocalResponseNormParameters(size: 5, alpha: 1e-2, beta: 0.75, k: 2)),
    ]

    @Test func fastMatchesNaive() {
        var rng = TestRandom(seed: 40)
        for (n, c, hw, p) in Self.cases {
            let count = n * c * hw
            let x = rng.floats(count).map { $0 * 3 }, dy = rng.floats(count), dx0 = rng.floats(count)
            var fast = [Float](repeating: .nan, count: count), slow = fast
            fast.withUnsafeMutableBufferPointer {
                localResponseNormForward(output: $0.baseAddress!, input: x, batch: n, channels: c, spatial: hw, parameters: p)
            }
            slow.withUnsafeMutableBufferPointer {
                localResponseNormForwardNaive(output: $0.baseAddress!, input: x, batch: n, channels: c, spatial: hw, parameters: p)
            }
            expectClose(fast, slow, tolerance: 1e-5, "forward \((n, c, hw, p))")
            var fdx = dx0, sdx = dx0
            fdx.withUnsafeMutableBufferPointer {
                localResponseNormBackward(dInput: $0.baseAddress!, dOutput: dy, input: x, batch: n, channels: c, spatial: hw, parameters: p)
            }
            sdx.withUnsafeMutableBufferPointer {
                localResponseNormBackwardNaive(dInput: $0.baseAddress!, dOutput: dy, input: x, batch: n, channels: c, spatial: hw, parameters: p)
            }
            expectClose(fdx, sdx, tolerance: 1e-5, "backward \((n, c, hw, p))")
        }
    }

    @Test func handWorked() {
        // Two channels, window 2 (channel c sees c−1 and c), α = 2, β = 1, k = 1, x = [1, 2]:
        // scale = [1 + 1·1, 1 + 1·(1 + 4)] = [2, 6], y = [1/2, 2/6].
        let p = LocalResponseNormParameters(size: 2, alpha: 2, beta: 1, k: 1)
        var y: [Float] = [0, 0]
        y.withUnsafeMutableBufferPointer {
            localResponseNormForward(output: $0.baseAddress!, input: [1, 2], batch: 1, channels: 2, spatial: 1, parameters: p)
        }
        expectClose(y, [0.5, 1.0 / 3.0], tolerance: 1e-7, "two channels")
        #expect(LocalResponseNormParameters(size: 0).validationFailure != nil)
    }

    @Test func backwardMatchesFiniteDifferences() {
        var rng = TestRandom(seed: 41)
        for (n, c, hw, p) in Self.cases.dropLast() {
            let x = rng.floats(n * c * hw).map { $0 * 2 }, dy = rng.floats(x.count)
            func loss(_ xd: [Double]) -> Double {
                zip(dy, lrnReference(xd, n, c, hw, p)).map { Double($0) * $1 }.reduce(0, +)
            }
            let h = 1e-6
            let numeric: [Float] = x.indices.map { j in
                var plus = x.map(Double.init), minus = plus
                plus[j] += h; minus[j] -= h
                return Float((loss(plus) - loss(minus)) / (2 * h))
            }
            var dx = [Float](repeating: 0, count: x.count)
            dx.withUnsafeMutableBufferPointer {
                localResponseNormBackward(dInput: $0.baseAddress!, dOutput: dy, input: x, batch: n, channels: c, spatial: hw, parameters: p)
            }
            expectClose(dx, numeric, tolerance: 1e-4, "\((n, c, hw, p))")
        }
    }
}
