// Tensor is a value: copies never see writes made through another copy.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct ValueSemanticsTests {
    @Test func writingThroughACopyLeavesTheOriginal() throws {
        let original = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var copy = original
        copy.withUnsafeMutableBufferPointer { $0[0] = 100 }
        #expect(original.scalars == [1, 2, 3, 4])
        #expect(copy.scalars == [100, 2, 3, 4])
    }

    @Test func writingToTheOriginalLeavesACopy() throws {
        var original = try Tensor(shape: [3], scalars: [1, 2, 3])
        let copy = original
        original.withUnsafeMutableBufferPointer { $0[2] = -1 }
        #expect(copy.scalars == [1, 2, 3])
    }

    @Test func viewsDoNotAliasWrites() throws {
        let base = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var reshaped = try base.reshaped(to: [4])
        var detached = base.detached()
        reshaped.withUnsafeMutableBufferPointer { $0[1] = 20 }
        detached.withUnsafeMutableBufferPointer { $0[3] = 40 }
        #expect(base.scalars == [1, 2, 3, 4])
        #expect(reshaped.scalars == [1, 20, 3, 4])
        #expect(detached.scalars == [1, 2, 3, 40])
    }

    /// A convolution keeps its untracked weights packed between calls; a write must reach the
    /// next call (the packed copy is dropped), and a copy written to leaves the original's.
    @Test func convolutionsSeeWritesToTheirWeights() throws {
        // 3×3 on 9×9 with 16 channels (implicit GEMM) and 1×1 with 80 (SGEMM A panels).
        for (channels, kernel) in [(16, 3), (80, 1)] {
            let x = try uniform([1, channels, 9, 9], seed: 4)
            var w = try uniform([24, channels, kernel, kernel], seed: 5)
            let original = try x.conv2d(weight: w, padding: .same)
            #expect(try x.conv2d(weight: w, padding: .same) == original, "packed once, reused")
            let kept = w
            w.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= -2 } }  // copies: `kept` shares it
            #expect(try x.conv2d(weight: kept, padding: .same) == original)
            let unshared = try x.conv2d(weight: w, padding: .same)
            #expect(unshared != original)
            w.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] += 0.25 } }  // in place: w is unshared now
            let fresh = try Tensor(shape: w.shape, scalars: w.scalars)
            #expect(try x.conv2d(weight: w, padding: .same) == x.conv2d(weight: fresh, padding: .same), "\(channels) channels")
        }
    }

    @Test func writingToAGradientCopyLeavesTheLeafGradient() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGradient()
        try (x * 2).sum().backward()
        var g = x.gradient!
        g.withUnsafeMutableBufferPointer { $0[0] = 99 }
        #expect(x.gradient?.scalars == [2, 2])
    }

    @Test func writingCutsTheTensorFromTheGraph() throws {
        var x = try Tensor(shape: [2], scalars: [1, 2]).requiringGradient()
        #expect(x.requiresGradient)
        x.withUnsafeMutableBufferPointer { $0[0] = 5 }
        #expect(!x.requiresGradient)
    }

    @Test func creationAndEquality() throws {
        #expect(try Tensor.zeros([2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(try Tensor.ones([2]).scalars == [1, 1])
        #expect(try Tensor(repeating: 2.5, shape: [1, 2]).scalars == [2.5, 2.5])
        let s = Tensor(scalar: 3)
        #expect(s.shape == [] && s.rank == 0 && s.count == 1)
        #expect(try s.item() == 3)
        let v = Tensor([1, 2, 3])
        #expect(v.shape == [3])
        #expect(v == (try Tensor(shape: [3], scalars: [1, 2, 3])))
        #expect(v != (try Tensor(shape: [1, 3], scalars: [1, 2, 3])))
        let empty = try Tensor(shape: [2, 0, 3], scalars: [])
        #expect(empty.count == 0 && empty.shape == [2, 0, 3])
        #expect(Tensor([]).count == 0)
        #expect(Tensor([1, 2.5]).description == "Tensor(shape: [2], [1, 2.5])")
    }
}
