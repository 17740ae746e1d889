// Gradient clipping by global norm and by value, against PyTorch's clip_grad_norm_ /
// clip_grad_value_ rules worked by hand.

import FoveaNN
import Testing

@Suite struct GradientClippingTests {
    /// Two parameters whose gradients are [3, 0] and [4] (the gradient of c·p is c).
    func parameters(_ a: [Float] = [3, 0], _ b: [Float] = [4]) throws -> [Parameter] {
        let p = Parameter(Tensor([1, 1])), q = Parameter(Tensor([1]))
        try ((p.value * Tensor(a)).sum() + (q.value * Tensor(b)).sum()).backward()
        return [p, q]
    }

    func close(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 }
    }

    /// Total norm √(9 + 0 + 16) = 5; max 1 → factor 1/(5 + 1e-6) → [0.6, 0] and [0.8].
    @Test func largeGlobalNormIsScaledDown() throws {
        let ps = try parameters()
        let total = try clipGradientNorm(ps, maxNorm: 1)
        #expect(total == 5)
        #expect(close(ps[0].gradient!.scalars, [0.6, 0]) && close(ps[1].gradient!.scalars, [0.8]))
        // Clipping again: the norm is now 5/(5 + 1e-6) < 1, so nothing changes.
        #expect(abs(try clipGradientNorm(ps, maxNorm: 1) - 1) < 1e-6)
        #expect(close(ps[1].gradient!.scalars, [0.8]))
    }

    @Test func smallGlobalNormIsLeftAlone() throws {
        let ps = try parameters()
        #expect(try clipGradientNorm(ps, maxNorm: 10) == 5)
        #expect(ps[0].gradient!.scalars == [3, 0] && ps[1].gradient!.scalars == [4])
    }

    /// Infinity norm: max |g| = 4; max 2 → factor 2/(4 + 1e-6) → [1.5, 0] and [2].
    /// 1-norm: 3 + 0 + 4 = 7.
    @Test func otherNorms() throws {
        let ps = try parameters()
        #expect(try clipGradientNorm(ps, maxNorm: 2, normType: .infinity) == 4)
        #expect(close(ps[0].gradient!.scalars, [1.5, 0]) && close(ps[1].gradient!.scalars, [2]))
        #expect(try clipGradientNorm(parameters(), maxNorm: 100, normType: 1) == 7)
    }

    /// A parameter without a gradient contributes nothing and is skipped.
    @Test func parametersWithoutGradientsAreSkipped() throws {
        let unused = Parameter(Tensor([1]))
        let ps = try parameters() + [unused]
        #expect(try clipGradientNorm(ps, maxNorm: 1) == 5)
        #expect(unused.gradient == nil)
    }

    @Test func clippingByValueClampsEachElement() throws {
        let ps = try parameters([3, -0.5], [-5])
        try clipGradientValues(ps, clipValue: 1)
        #expect(ps[0].gradient!.scalars == [1, -0.5] && ps[1].gradient!.scalars == [-1])
    }

    @Test func badArgumentsAndNonFiniteNormsAreRefused() throws {
        let ps = try parameters()
        #expect(throws: TensorError.self) { try clipGradientNorm(ps, maxNorm: .nan) }
        #expect(throws: TensorError.self) { try clipGradientNorm(ps, maxNorm: -1) }
        #expect(throws: TensorError.self) { try clipGradientNorm(ps, maxNorm: 1, normType: 0) }
        #expect(throws: TensorError.self) { try clipGradientValues(ps, clipValue: -1) }
        let infinite = try parameters([.infinity, 0], [1])
        #expect(throws: TensorError.self) { try clipGradientNorm(infinite, maxNorm: 1, errorIfNonfinite: true) }
        #expect(try clipGradientNorm(infinite, maxNorm: 1) == .infinity)
    }
}
