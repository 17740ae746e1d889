// Padding.resolve: per-side amounts for valid, same (SAME_UPPER), sameLower, full and explicit.

import FoveaTensor
import Testing

@Suite struct PaddingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input, kernel, stride, dilation: Int
        var same: (before: Int, after: Int)
        var testDescription: String { "in \(input) k \(kernel) s \(stride) d \(dilation)" }
    }

    /// total = max((ceil(in / s) − 1)·s + (k − 1)·d + 1 − in, 0); SAME_UPPER puts the odd extra after.
    static let sameCases: [Case] = [
        Case(input: 5, kernel: 3, stride: 1, dilation: 1, same: (1, 1)),  // total 2
        Case(input: 5, kernel: 2, stride: 1, dilation: 1, same: (0, 1)),  // total 1
        Case(input: 4, kernel: 4, stride: 1, dilation: 1, same: (1, 2)),  // total 3
        Case(input: 5, kernel: 3, stride: 2, dilation: 1, same: (1, 1)),  // out 3, total 2
        Case(input: 6, kernel: 3, stride: 2, dilation: 1, same: (0, 1)),  // out 3, total 1
        Case(input: 7, kernel: 4, stride: 2, dilation: 1, same: (1, 2)),  // out 4, total 3
        Case(input: 6, kernel: 1, stride: 2, dilation: 1, same: (0, 0)),  // total −1 → 0
        Case(input: 5, kernel: 3, stride: 1, dilation: 2, same: (2, 2)),  // extent 5, total 4
        Case(input: 8, kernel: 3, stride: 3, dilation: 1, same: (0, 1)),  // out 3, total 1
    ]

    @Test(arguments: sameCases) func same(c: Case) throws {
        let upper = try Padding.same.resolve(input: [c.input], kernel: [c.kernel], stride: [c.stride], dilation: [c.dilation])
        #expect(upper.before == [c.same.before] && upper.after == [c.same.after], "same gave \(upper)")
        let lower = try Padding.sameLower.resolve(input: [c.input], kernel: [c.kernel], stride: [c.stride], dilation: [c.dilation])
        #expect(lower.before == [c.same.after] && lower.after == [c.same.before], "sameLower gave \(lower)")
        // The padded input gives exactly ceil(in / stride) outputs.
        let out = (c.input + c.same.before + c.same.after - c.dilation * (c.kernel - 1) - 1) / c.stride + 1
        #expect(out == (c.input + c.stride - 1) / c.stride)
    }

    @Test func sameResolvesEachDimensionSeparately() throws {
        let p = try Padding.same.resolve(input: [6, 5], kernel: [2, 3], stride: [1, 2], dilation: [1, 1])
        #expect(p.before == [0, 1] && p.after == [1, 1])
    }

    @Test func valid() throws {
        let p = try Padding.valid.resolve(input: [5, 6], kernel: [3, 3], stride: [2, 2], dilation: [1, 1])
        #expect(p.before == [0, 0] && p.after == [0, 0])
    }

    @Test func full() throws {
        let p = try Padding.full.resolve(input: [5, 6], kernel: [3, 2], stride: [1, 1], dilation: [1, 1])
        #expect(p.before == [2, 1] && p.after == [2, 1])
        let dilated = try Padding.full.resolve(input: [5, 6], kernel: [3, 2], stride: [2, 2], dilation: [2, 3])
        #expect(dilated.before == [4, 3] && dilated.after == [4, 3])
    }

    @Test func explicit() throws {
        let asymmetric = try Padding.explicit(before: [1, 0], after: [0, 2]).resolve(input: [5, 6], kernel: [3, 3], stride: [1, 1], dilation: [1, 1])
        #expect(asymmetric.before == [1, 0] && asymmetric.after == [0, 2])
        let uniform = try Padding.explicit(2).resolve(input: [5, 6], kernel: [3, 3], stride: [1, 1], dilation: [1, 1])
        #expect(uniform.before == [2, 2] && uniform.after == [2, 2])
        #expect(Padding.uniform(3) == .explicit(before: [3], after: [3]))
    }

    @Test func explicitRejectsNegativeOrMiscountedAmounts() throws {
        let negative = #expect(throws: TensorError.self) {
            try Padding.explicit(before: [1, -1], after: [0, 0]).resolve(input: [5, 6], kernel: [3, 3], stride: [1, 1], dilation: [1, 1])
        }
        #expect(negative?.description.contains("-1") == true, "\(String(describing: negative))")
        let miscounted = #expect(throws: TensorError.self) {
            try Padding.explicit(before: [1, 1, 1], after: [0]).resolve(input: [5, 6], kernel: [3, 3], stride: [1, 1], dilation: [1, 1])
        }
        #expect(miscounted?.description.contains("[1, 1, 1]") == true, "\(String(describing: miscounted))")
    }
}
