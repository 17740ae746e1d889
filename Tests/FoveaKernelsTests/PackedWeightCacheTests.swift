// The packed-weight cache of conv2dForward: the same bits with and without it on every packing
// path (im2col, implicit GEMM, Winograd 3×3 and 5×5), packing once, one copy per micro-kernel,
// and stale until emptied (which is why FoveaTensor empties it on every write).

import FoveaKernels
import Testing

/// One geometry per path that packs weights (routing decided by `conv2dForward`).
private let packingGeometries: [(path: String, geometry: Conv2DGeometry)] = [
    ("im2col (1×1 on 7-wide rows)", Conv2DGeometry(batch: 2, inputChannels: 80, inputHeight: 7, inputWidth: 7, outputChannels: 40,
                                                  kernelHeight: 1, kernelWidth: 1)),
    ("implicit GEMM, row panels", Conv2DGeometry(batch: 2, inputChannels: 12, inputHeight: 14, inputWidth: 14, outputChannels: 64,
                                                 kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2)),
    ("implicit GEMM, strided", Conv2DGeometry(batch: 1, inputChannels: 3, inputHeight: 63, inputWidth: 63, outputChannels: 40,
                                              kernelHeight: 11, kernelWidth: 11, strideHeight: 4, strideWidth: 4,
                                              padTop: 2, padBottom: 2, padLeft: 2, padRight: 2)),
    ("Winograd 3×3", Conv2DGeometry(batch: 2, inputChannels: 32, inputHeight: 16, inputWidth: 16, outputChannels: 24,
                                    kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
    ("Winograd 5×5", Conv2DGeometry(batch: 2, inputChannels: 16, inputHeight: 16, inputWidth: 16, outputChannels: 20,
                                    kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2)),
]

private func forward(_ g: Conv2DGeometry, x: [Float], w: [Float], b: [Float], cache: PackedWeightCache?,
                     scale: [Float]? = nil, relu: Bool = false) -> [Float] {
    var y = [Float](repeating: .nan, count: g.batch * g.outputChannels * g.outputHeight * g.outputWidth)
    y.withUnsafeMutableBufferPointer { out in
        if let scale {
            conv2dForward(output: out.baseAddress!, input: x, weight: w, bias: b, geometry: g, scale: scale, relu: relu, weightCache: cache)
        } else {
            conv2dForward(output: out.baseAddress!, input: x, weight: w, bias: b, geometry: g, relu: relu, weightCache: cache)
        }
    }
    return y
}

/// Bit equality, reported without printing the arrays.
private func expectSameBits(_ actual: [Float], _ expected: [Float], _ comment: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
    let differing = zip(actual, expected).filter { $0.bitPattern != $1.bitPattern }.count
    #expect(actual.count == expected.count && differing == 0, "\(comment): \(differing) values differ", sourceLocation: sourceLocation)
}

private func operands(_ g: Conv2DGeometry, seed: UInt64) -> (x: [Float], w: [Float], b: [Float]) {
    var random = TestRandom(seed: seed)
    let x = random.floats(g.batch * g.inputChannels * g.inputHeight * g.inputWidth)
    let w = random.floats(g.outputChannels * g.inputChannels * g.kernelHeight * g.kernelWidth)
    return (x, w, random.floats(g.outputChannels))
}

@Suite("Packed-weight cache")
struct PackedWeightCacheTests {
    @Test("a cached forward pass gives the bits of an uncached one, and packs once",
          arguments: packingGeometries.indices)
    func sameBitsPackedOnce(index: Int) {
        let (path, g) = packingGeometries[index]
        let (x, w, b) = operands(g, seed: UInt64(31 + index))
        let scale = (0..<g.outputChannels).map { Float($0 % 3) * 0.5 - 0.25 }
        let cache = PackedWeightCache()
        #expect(cache.floatCount == 0)
        for threads in [1, 2] {
            withThreads(threads) {
                let plain = forward(g, x: x, w: w, b: b, cache: nil)
                expectSameBits(forward(g, x: x, w: w, b: b, cache: cache), plain, "\(path), \(threads) threads, first call")
                let packed = cache.floatCount
                #expect(packed >= w.count, "\(path): the first call keeps a packed copy (\(packed) floats)")
                expectSameBits(forward(g, x: x, w: w, b: b, cache: cache), plain, "\(path), \(threads) threads, cached")
                // The fused scale and ReLU read the same packed weights.
                expectSameBits(forward(g, x: x, w: w, b: b, cache: cache, scale: scale, relu: true),
                               forward(g, x: x, w: w, b: b, cache: nil, scale: scale, relu: true), "\(path): scale and ReLU")
                #expect(cache.floatCount == packed, "\(path): later calls pack nothing new")
            }
        }
    }

    @Test("the cache keeps the weights it packed until emptied", arguments: packingGeometries.indices)
    func staleUntilEmptied(index: Int) {
        let (path, g) = packingGeometries[index]
        let (x, w, b) = operands(g, seed: UInt64(47 + index))
        let changed = w.map { -0.5 * $0 }
        let cache = PackedWeightCache()
        let original = forward(g, x: x, w: w, b: b, cache: cache)
        // Same buffer contract as a layer's: the caller must empty the cache when the weights change.
        expectSameBits(forward(g, x: x, w: changed, b: b, cache: cache), original, "\(path): a stale cache still holds the old weights")
        cache.removeAll()
        #expect(cache.floatCount == 0)
        expectSameBits(forward(g, x: x, w: changed, b: b, cache: cache), forward(g, x: x, w: changed, b: b, cache: nil),
                       "\(path): after removeAll the new weights are packed")
    }

    @Test("with kept weights, a 14×14 map at batch 1 (49 tiles) takes Winograd")
    func keptWeightsRouteFewTilesToWinograd() {
        let g = Conv2DGeometry(batch: 1, inputChannels: 32, inputHeight: 14, inputWidth: 14, outputChannels: 48,
                               kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
        let (x, w, b) = operands(g, seed: 71)
        var winograd = [Float](repeating: .nan, count: g.outputChannels * g.outputHeight * g.outputWidth)
        winograd.withUnsafeMutableBufferPointer {
            conv2dForwardWinograd(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g)
        }
        let cached = forward(g, x: x, w: w, b: b, cache: PackedWeightCache())
        if g.isWinogradEligible && GEMMKernel.activeName.contains("avx512") {
            expectSameBits(cached, winograd, "the cached call is the Winograd convolution")
        }
        var naive = winograd
        naive.withUnsafeMutableBufferPointer { conv2dForwardNaive(output: $0.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
        expectClose(cached, naive, tolerance: 1e-5, "against the definition")
        expectClose(forward(g, x: x, w: w, b: b, cache: nil), naive, tolerance: 1e-5, "uncached, against the definition")
    }

    @Test("one buffer read as weights of two shapes keeps a packed copy for each")
    func oneBufferTwoShapes() {
        // 24 × 450 floats: 3×3 kernels over 50 channels, or 5×5 over 18 (both Winograd's).
        let g3 = Conv2DGeometry(batch: 2, inputChannels: 50, inputHeight: 16, inputWidth: 16, outputChannels: 24,
                                kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
        let g5 = Conv2DGeometry(batch: 2, inputChannels: 18, inputHeight: 16, inputWidth: 16, outputChannels: 24,
                                kernelHeight: 5, kernelWidth: 5, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2)
        let (x3, w, b) = operands(g3, seed: 81)
        let x5 = operands(g5, seed: 82).x
        let cache = PackedWeightCache()
        for _ in 0..<2 {
            expectSameBits(forward(g3, x: x3, w: w, b: b, cache: cache), forward(g3, x: x3, w: w, b: b, cache: nil), "as 3×3")
            expectSameBits(forward(g5, x: x5, w: w, b: b, cache: cache), forward(g5, x: x5, w: w, b: b, cache: nil), "as 5×5")
        }
    }

    @Test("tasks side by side share one cache")
    func sharedAcrossTasks() async {
        let (_, g) = packingGeometries[3]
        let (x, w, b) = operands(g, seed: 91)
        let expected = forward(g, x: x, w: w, b: b, cache: nil)
        let cache = PackedWeightCache()
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    (0..<10).filter { _ in forward(g, x: x, w: w, b: b, cache: cache) != expected }.count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test("each micro-kernel gets its own packed copy")
    func onePackingPerMicroKernel() {
        let (_, g) = packingGeometries[0]  // the same path (SGEMM A panels) for every kernel
        let (x, w, b) = operands(g, seed: 5)
        let cache = PackedWeightCache()
        let fast = forward(g, x: x, w: w, b: b, cache: cache)
        let afterFast = cache.floatCount
        let portable = GEMMKernel.withOverride(.portable) { forward(g, x: x, w: w, b: b, cache: cache) }
        let portableUncached = GEMMKernel.withOverride(.portable) { forward(g, x: x, w: w, b: b, cache: nil) }
        expectSameBits(portable, portableUncached, "the portable kernel does not read the AVX-512 kernel's panels")
        expectSameBits(forward(g, x: x, w: w, b: b, cache: cache), fast, "back on the first kernel")
        if GEMMKernel.activeName != GEMMKernel.withOverride(.portable, { GEMMKernel.activeName }) {
            #expect(cache.floatCount > afterFast, "a second layout is kept beside the first")
        }
    }
}
