// The tape's mechanics: accumulation, shared paths, seeds, no-grad blocks, detaching, deep graphs.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct AutodiffTests {
    @Test func gradientsAccumulateUntilZeroed() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGradient()
        try (x * 3).sum().backward()
        #expect(x.gradient?.scalars == [3, 3])
        try (x * 3).sum().backward()
        #expect(x.gradient?.scalars == [6, 6])
        x.zeroGradient()
        #expect(x.gradient == nil)
        try x.squared().sum().backward()
        #expect(x.gradient?.scalars == [2, 4])
    }

    @Test func aTensorUsedTwiceGetsBothPaths() throws {
        let x = try Tensor(shape: [3], scalars: [1, -2, 0.5]).requiringGradient()
        try (x * x).sum().backward()
        expectValues(x.gradient!, shape: [3], [2, -4, 1])

        // Diamond: y = a + b with a = 2x, b = x², both from x.
        let z = try Tensor(shape: [2], scalars: [3, 4]).requiringGradient()
        try ((z * 2) + z.squared()).sum().backward()
        expectValues(z.gradient!, shape: [2], [8, 10])
    }

    @Test func backwardOnAnUnrecordedTensorThrows() throws {
        let plain = try Tensor(shape: [1], scalars: [1])
        let description = errorDescription { try plain.sum().backward() }
        #expect(description?.contains("does not require a gradient") == true, "\(description ?? "")")
    }

    @Test func backwardWithoutSeedOnANonScalarThrows() throws {
        let x = try uniform([2, 3]).requiringGradient()
        let description = errorDescription { try (x * 2).backward() }
        #expect(description?.contains("[2, 3]") == true, "\(description ?? "")")
    }

    @Test func seedShapeMismatchThrows() throws {
        let x = try uniform([2, 3]).requiringGradient()
        let description = errorDescription { try (x * 2).backward(seed: try Tensor.ones([3, 2])) }
        #expect(description?.contains("[2, 3]") == true && description?.contains("[3, 2]") == true, "\(description ?? "")")
    }

    @Test func explicitSeedScalesTheGradient() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGradient()
        try (x * 3).backward(seed: try Tensor(shape: [2], scalars: [10, -1]))
        #expect(x.gradient?.scalars == [30, -3])
    }

    @Test func withoutGradientsRecordsNothing() throws {
        let x = try uniform([2, 2]).requiringGradient()
        let y = try GradientRecording.withoutGradients {
            #expect(!GradientRecording.isEnabled)
            return try (x * x).relu().matmul(x).sum()
        }
        #expect(GradientRecording.isEnabled)
        #expect(!y.requiresGradient)
        #expect(x.requiresGradient)
        #expect(throws: TensorError.self) { try y.backward() }
    }

    @Test func withoutGradientsNestsAndRestores() throws {
        let x = try uniform([2]).requiringGradient()
        GradientRecording.withoutGradients {
            GradientRecording.withoutGradients { #expect(!GradientRecording.isEnabled) }
            #expect(!GradientRecording.isEnabled)
            #expect(!(x * 2).requiresGradient)
        }
        #expect(GradientRecording.isEnabled)
        #expect((x * 2).requiresGradient)
    }

    @Test func detachedCutsTheGraph() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGradient()
        let d = x.detached()
        #expect(!d.requiresGradient)
        #expect(d.scalars == x.scalars)
        // y = x · stop(x): only the direct path reaches x, so dy/dx = stop(x), not 2x.
        try (x * x.detached()).sum().backward()
        #expect(x.gradient?.scalars == [1, 2])
    }

    @Test func onlyLeavesKeepGradients() throws {
        let x = try uniform([2]).requiringGradient()
        let hidden = x * 2
        try hidden.sum().backward()
        #expect(x.gradient != nil)
        #expect(hidden.gradient == nil)
        #expect(hidden.requiresGradient)
    }

    @Test func inputsThatNeedNoGradientGetNone() throws {
        let w = try uniform([3, 2], seed: 1).requiringGradient()
        let x = try uniform([2, 3], seed: 2)
        try x.matmul(w).sum().backward()
        #expect(w.gradient?.shape == [3, 2])
        #expect(x.gradient == nil)
        #expect(!x.requiresGradient)
    }

    @Test func intermediateReachedAtTwoDepthsIsProcessedOnce() throws {
        // a = 2x, b = 3a, c = a + b = 8x: a must pass on its gradient only after b has added to it.
        let x = try Tensor(shape: [2], scalars: [1, -1]).requiringGradient()
        let a = x * 2
        let b = a * 3
        try (a + b).sum().backward()
        #expect(x.gradient?.scalars == [8, 8])
    }

    @Test func backwardTwiceThroughTheSameGraphThrows() throws {
        // The graph is freed by the first backward (no retain_graph): a second pass must fail
        // loudly rather than silently drop the gradient that flows through the freed part.
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGradient()
        let loss = (x * 3).sum()
        try loss.backward()
        let description = errorDescription { try loss.backward() }
        #expect(description?.contains("already") == true, "\(description ?? "")")
        #expect(x.gradient?.scalars == [3, 3])

        // Two losses sharing an intermediate: the second backward would lose the shared path.
        let hidden = x * 2
        let first = hidden.sum(), second = try (hidden * hidden).sum()
        x.zeroGradient()
        try first.backward()
        #expect(throws: TensorError.self) { try second.backward() }
        #expect(x.gradient?.scalars == [2, 2])
        // Summing the losses first back-propagates both paths in one pass.
        x.zeroGradient()
        let again = x * 2
        try (again.sum() + (again * again).sum()).backward()
        expectValues(x.gradient!, shape: [2], [10, 18])
    }

    @Test func backwardTwiceFromALeafAccumulates() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGradient()
        try x.backward(seed: try Tensor(shape: [2], scalars: [1, 1]))
        try x.backward(seed: try Tensor(shape: [2], scalars: [2, 3]))
        #expect(x.gradient?.scalars == [3, 4])
    }

    @Test func changingAnInputAfterTheForwardPassDoesNotChangeTheGradient() throws {
        let w = try Tensor(shape: [2], scalars: [5, 6]).requiringGradient()
        var input = try Tensor(shape: [2], scalars: [1, 2])
        let y = try (input * w).relu().sum()
        input.withUnsafeMutableBufferPointer { $0[0] = 100 }
        try y.backward()
        #expect(w.gradient?.scalars == [1, 2])
    }

    @Test func deepChainDoesNotOverflowTheStack() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGradient()
        var y = x
        for _ in 0..<10_000 { y = y * 1 }
        try y.sum().backward()
        #expect(x.gradient?.scalars == [1, 1])
        // Release a second chain that was never back-propagated.
        do {
            var z = x
            for _ in 0..<10_000 { z = z + 0 }
            #expect(z.requiresGradient)
        }
    }
}
