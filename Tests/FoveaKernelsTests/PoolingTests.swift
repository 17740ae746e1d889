// Pooling kernels: fast against naive (ceil mode, padding, stride ≠ window, dilation), hand-worked
// max and average examples, PyTorch's divisor rule, argmax convention, NaN, output sizes.

import FoveaKernels
import Testing

let poolGeometries: [Pool2DGeometry] = [
    Pool2DGeometry(batch: 2, channels: 3, inputHeight: 8, inputWidth: 6, kernelHeight: 2, kernelWidth: 2,
                   strideHeight: 2, strideWidth: 2),
    Pool2DGeometry(batch: 2, channels: 2, inputHeight: 7, inputWidth: 5, kernelHeight: 2, kernelWidth: 2,
                   strideHeight: 2, strideWidth: 2),
    Pool2DGeometry(batch: 1, channels: 3, inputHeight: 7, inputWidth: 5, kernelHeight: 2, kernelWidth: 2,
                   strideHeight: 2, strideWidth: 2, ceilMode: true),
    Pool2DGeometry(batch: 2, channels: 2, inputHeight: 9, inputWidth: 8, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Pool2DGeometry(batch: 1, channels: 2, inputHeight: 6, inputWidth: 6, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, ceilMode: true),
    Pool2DGeometry(batch: 1, channels: 2, inputHeight: 7, inputWidth: 9, kernelHeight: 3, kernelWidth: 2,
                   strideHeight: 1, strideWidth: 2, padTop: 1, padBottom: 0, padLeft: 0, padRight: 1, ceilMode: true),
    Pool2DGeometry(batch: 1, channels: 1, inputHeight: 11, inputWidth: 10, kernelHeight: 2, kernelWidth: 2,
                   strideHeight: 3, strideWidth: 3),
    Pool2DGeometry(batch: 2, channels: 1, inputHeight: 9, inputWidth: 9, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 1, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1,
                   dilationHeight: 2, dilationWidth: 2),
    // unpadded windows all inside the input (the AVX-512 kernel where available): AlexNet's 3×3
    // stride 2 with 18 and 27 output columns (a chunk of 16 and a tail), 2×2 stride 2 with 20,
    // 3×3 stride 1, and a ceil-mode 3×3 stride 2 whose last window is clipped (general path)
    Pool2DGeometry(batch: 2, channels: 3, inputHeight: 11, inputWidth: 37, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 2, strideWidth: 2),
    Pool2DGeometry(batch: 1, channels: 2, inputHeight: 55, inputWidth: 55, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 2, strideWidth: 2),
    Pool2DGeometry(batch: 1, channels: 2, inputHeight: 6, inputWidth: 41, kernelHeight: 2, kernelWidth: 2,
                   strideHeight: 2, strideWidth: 2),
    Pool2DGeometry(batch: 1, channels: 2, inputHeight: 7, inputWidth: 21, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 1, strideWidth: 1),
    Pool2DGeometry(batch: 1, channels: 2, inputHeight: 8, inputWidth: 36, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 2, strideWidth: 2, ceilMode: true),
    // padded and ceil-mode pooling (the AVX-512 kernel that skips taps in the padding, where
    // available): GoogLeNet's 3×3 stride 1 padding 1 (on 37 columns: two chunks and a tail), and a
    // padded ceil-mode 3×3 stride 2 with an asymmetric border
    Pool2DGeometry(batch: 2, channels: 3, inputHeight: 9, inputWidth: 37, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 1, strideWidth: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Pool2DGeometry(batch: 1, channels: 2, inputHeight: 14, inputWidth: 45, kernelHeight: 3, kernelWidth: 3,
                   strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, ceilMode: true),
    // dilation 3 makes a window of taps −1 and 2 on a 2-high input: entirely padding
    Pool2DGeometry(batch: 1, channels: 1, inputHeight: 2, inputWidth: 3, kernelHeight: 2, kernelWidth: 1,
                   strideHeight: 1, strideWidth: 1, padTop: 1, padBottom: 1, dilationHeight: 3),
    Pool2DGeometry(batch: 3, channels: 1, inputHeight: 1, inputWidth: 33, kernelHeight: 1, kernelWidth: 3,
                   strideHeight: 1, strideWidth: 2, padLeft: 1, padRight: 1, ceilMode: true),
]

func maxPool(_ g: Pool2DGeometry, _ x: [Float], naive: Bool) -> ([Float], [Int32]) {
    var y = [Float](repeating: .nan, count: g.outputCount), idx = [Int32](repeating: -7, count: g.outputCount)
    y.withUnsafeMutableBufferPointer { y in
        idx.withUnsafeMutableBufferPointer { idx in
            if naive { maxPool2dForwardNaive(output: y.baseAddress!, argmax: idx.baseAddress!, input: x, geometry: g) }
            else { maxPool2dForward(output: y.baseAddress!, argmax: idx.baseAddress!, input: x, geometry: g) }
        }
    }
    return (y, idx)
}

func avgPool(_ g: Pool2DGeometry, _ x: [Float], includePad: Bool, naive: Bool) -> [Float] {
    var y = [Float](repeating: .nan, count: g.outputCount)
    y.withUnsafeMutableBufferPointer { y in
        if naive { avgPool2dForwardNaive(output: y.baseAddress!, input: x, geometry: g, countIncludePad: includePad) }
        else { avgPool2dForward(output: y.baseAddress!, input: x, geometry: g, countIncludePad: includePad) }
    }
    return y
}

@Suite struct PoolingTests {
    @Test func maxPoolMatchesNaiveIncludingTiesAndNaN() {
        var rng = TestRandom(seed: 10)
        for g in poolGeometries {
            #expect(g.validationFailure == nil, "\(g)")
            // Coarse values make ties; a few NaNs and −∞ test the propagation rule.
            var x = rng.floats(g.inputCount).map { ($0 * 4).rounded() }
            for i in stride(from: 3, to: x.count, by: 17) { x[i] = .nan }
            for i in stride(from: 5, to: x.count, by: 13) { x[i] = -.infinity }
            let (fy, fi) = maxPool(g, x, naive: false), (sy, si) = maxPool(g, x, naive: true)
            #expect(maxRelativeError(fy, sy) == 0, "\(g)")
            #expect(fi == si, "\(g)")
            // without argmax, the same values
            var y = [Float](repeating: 0, count: g.outputCount)
            y.withUnsafeMutableBufferPointer { maxPool2dForward(output: $0.baseAddress!, argmax: nil, input: x, geometry: g) }
            #expect(maxRelativeError(y, sy) == 0, "\(g)")

            let dy = rng.floats(g.outputCount), dx0 = rng.floats(g.inputCount)
            var fdx = dx0, sdx = dx0
            fdx.withUnsafeMutableBufferPointer { maxPool2dBackward(dInput: $0.baseAddress!, dOutput: dy, argmax: fi, geometry: g) }
            sdx.withUnsafeMutableBufferPointer { maxPool2dBackwardNaive(dInput: $0.baseAddress!, dOutput: dy, argmax: si, geometry: g) }
            expectClose(fdx, sdx, tolerance: 1e-6, "\(g)")
        }
    }

    /// Without argmax and without NaN, padded pools take the separable values-only path (a block
    /// that meets a NaN goes back to the full loop, which the test above exercises): the values of
    /// the naive twin, on distinct values (a wrong tap shows) and on ties with −∞.
    @Test func maxPoolWithoutArgmaxMatchesNaiveOnNaNFreeInputs() {
        var rng = TestRandom(seed: 12)
        for g in poolGeometries {
            let distinct = rng.floats(g.inputCount)
            var ties = rng.floats(g.inputCount).map { ($0 * 4).rounded() }
            for i in stride(from: 5, to: ties.count, by: 13) { ties[i] = -.infinity }
            for (name, x) in [("distinct", distinct), ("ties", ties)] {
                let (expected, _) = maxPool(g, x, naive: true)
                var y = [Float](repeating: .nan, count: g.outputCount)
                y.withUnsafeMutableBufferPointer { maxPool2dForward(output: $0.baseAddress!, argmax: nil, input: x, geometry: g) }
                #expect(maxRelativeError(y, expected) == 0, "\(name), \(g)")
            }
        }
    }

    /// A window whose inputs are all −∞ keeps its first tap inside the input as the argmax (never
    /// a padding position, never −1): padded and unpadded, stride 1 and 2.
    @Test func allMinusInfinityWindowsPointAtTheirFirstTap() {
        for g in poolGeometries where g.dilationHeight == 1 {
            let x = [Float](repeating: -.infinity, count: g.inputCount)
            let (fy, fi) = maxPool(g, x, naive: false), (sy, si) = maxPool(g, x, naive: true)
            #expect(fy == sy && fi == si, "\(g)")
        }
    }

    @Test func avgPoolMatchesNaive() {
        var rng = TestRandom(seed: 11)
        for g in poolGeometries {
            let x = rng.floats(g.inputCount), dy = rng.floats(g.outputCount), dx0 = rng.floats(g.inputCount)
            for includePad in [false, true] {
                let fast = avgPool(g, x, includePad: includePad, naive: false)
                let slow = avgPool(g, x, includePad: includePad, naive: true)
                expectClose(fast, slow, tolerance: 1e-6, "\(g) includePad \(includePad)")
                var fdx = dx0, sdx = dx0
                fdx.withUnsafeMutableBufferPointer {
                    avgPool2dBackward(dInput: $0.baseAddress!, dOutput: dy, geometry: g, countIncludePad: includePad)
                }
                sdx.withUnsafeMutableBufferPointer {
                    avgPool2dBackwardNaive(dInput: $0.baseAddress!, dOutput: dy, geometry: g, countIncludePad: includePad)
                }
                expectClose(fdx, sdx, tolerance: 1e-6, "\(g) includePad \(includePad)")
            }
        }
    }

    @Test func handWorkedMaxPool() {
        // 4×4 input 1…16, 2×2 windows, stride 2: maxima are the bottom-right corners.
        let g = Pool2DGeometry(batch: 1, channels: 1, inputHeight: 4, inputWidth: 4, kernelHeight: 2, kernelWidth: 2,
                               strideHeight: 2, strideWidth: 2)
        let x = (1...16).map(Float.init)
        let (y, idx) = maxPool(g, x, naive: false)
        #expect(y == [6, 8, 14, 16])
        #expect(idx == [5, 7, 13, 15])  // h·W + w inside the plane
        // Padding never wins, even over negative inputs.
        let padded = Pool2DGeometry(batch: 1, channels: 1, inputHeight: 2, inputWidth: 2, kernelHeight: 2, kernelWidth: 2,
                                    strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
        let (py, pi) = maxPool(padded, [-1, -2, -3, -4], naive: false)
        #expect(py == [-1, -2, -3, -4] && pi == [0, 1, 2, 3])
        // NaN wins and the argmax points at it; the plane offset is not part of the index.
        let two = Pool2DGeometry(batch: 1, channels: 2, inputHeight: 2, inputWidth: 2, kernelHeight: 2, kernelWidth: 2,
                                 strideHeight: 2, strideWidth: 2)
        let (ny, ni) = maxPool(two, [1, .nan, 3, 2, 5, 6, 7, 8], naive: false)
        #expect(ny[0].isNaN && ni[0] == 1 && ny[1] == 8 && ni[1] == 3)
    }

    @Test func handWorkedAvgPoolDivisors() {
        // 3×3 input 1…9, 2×2 window, stride 2, padding 1: windows hold {1}, {2,3}, {4,7}, {5,6,8,9}.
        let g = Pool2DGeometry(batch: 1, channels: 1, inputHeight: 3, inputWidth: 3, kernelHeight: 2, kernelWidth: 2,
                               strideHeight: 2, strideWidth: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
        let x = (1...9).map(Float.init)
        #expect(avgPool(g, x, includePad: true, naive: false) == [0.25, 1.25, 2.75, 7])
        #expect(avgPool(g, x, includePad: false, naive: false) == [1, 2.5, 5.5, 7])
        // 1-D, window 3, stride 2, pad 1, ceil mode on 1…6: windows [−1,1], [1,3], [3,5], [5,7].
        // PyTorch clips the last window to the padded extent ..<7, so with pads it counts 2 taps.
        let c = Pool2DGeometry(batch: 1, channels: 1, inputHeight: 1, inputWidth: 6, kernelHeight: 1, kernelWidth: 3,
                               strideHeight: 1, strideWidth: 2, padLeft: 1, padRight: 1, ceilMode: true)
        let row = (1...6).map(Float.init)
        #expect(c.outputWidth == 4)
        #expect(avgPool(c, row, includePad: true, naive: false) == [1, 3, 5, 3])
        #expect(avgPool(c, row, includePad: false, naive: false) == [1.5, 3, 5, 6])
        // Backward of the 2-D case with dy = 1, countIncludePad: each tap gets 1/divisor.
        var dx = [Float](repeating: 0, count: 9)
        dx.withUnsafeMutableBufferPointer {
            avgPool2dBackward(dInput: $0.baseAddress!, dOutput: [1, 1, 1, 1], geometry: g, countIncludePad: true)
        }
        #expect(dx == [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25])
    }

    @Test func outputSizesFollowPyTorch() {
        func width(_ w: Int, _ k: Int, _ s: Int, _ pad: Int, ceil: Bool) -> Int {
            Pool2DGeometry(batch: 1, channels: 1, inputHeight: 1, inputWidth: w, kernelHeight: 1, kernelWidth: k,
                           strideHeight: 1, strideWidth: s, padLeft: pad, padRight: pad, ceilMode: ceil).outputWidth
        }
        #expect(width(5, 2, 2, 0, ceil: false) == 2)
        #expect(width(5, 2, 2, 0, ceil: true) == 3)
        #expect(width(5, 2, 2, 1, ceil: false) == 3)
        // ceil gives 4, but the 4th window would start at 6 ≥ 5 + 1, inside the right padding: dropped.
        #expect(width(5, 2, 2, 1, ceil: true) == 3)
        #expect(width(6, 3, 2, 1, ceil: true) == 4)
        #expect(width(112, 3, 2, 1, ceil: false) == 56)
    }

    @Test func validationFollowsPyTorch() {
        var g = Pool2DGeometry(batch: 1, channels: 1, inputHeight: 4, inputWidth: 4, kernelHeight: 3, kernelWidth: 3,
                               strideHeight: 1, strideWidth: 1, padTop: 2)
        #expect(g.validationFailure?.contains("padTop") == true)
        g.padTop = 1
        #expect(g.validationFailure == nil)
        g.kernelHeight = 6
        #expect(g.validationFailure?.contains("does not fit") == true)
        g.kernelHeight = 3; g.strideHeight = 0
        #expect(g.validationFailure?.contains("strideHeight") == true)
    }
}
