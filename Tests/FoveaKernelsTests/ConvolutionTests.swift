// Convolution kernels: fast (im2col + GEMM) against the direct definition on many geometries,
// hand-worked examples, im2col/col2im adjointness, geometry validation.

import FoveaKernels
import Testing

/// The geometries every fast-vs-naive test runs on (small: GEMM may be the naive one).
let convGeometries: [Conv2DGeometry] = [
    // plain 3×3, padding 1, batch 5
    Conv2DGeometry(batch: 5, inputChannels: 3, inputHeight: 7, inputWidth: 7, outputChannels: 4,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    // stride 2, asymmetric per-side padding, non-square kernel
    Conv2DGeometry(batch: 1, inputChannels: 2, inputHeight: 7, inputWidth: 8, outputChannels: 3,
                   kernelHeight: 3, kernelWidth: 2, strideHeight: 2, strideWidth: 2,
                   padTop: 1, padBottom: 0, padLeft: 2, padRight: 1),
    // stride 3 with dilation 2, tall odd input
    Conv2DGeometry(batch: 2, inputChannels: 2, inputHeight: 33, inputWidth: 7, outputChannels: 3,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 3, strideWidth: 1,
                   dilationHeight: 2, dilationWidth: 2, padTop: 2, padBottom: 2, padLeft: 2, padRight: 1),
    // different strides per axis
    Conv2DGeometry(batch: 3, inputChannels: 1, inputHeight: 9, inputWidth: 10, outputChannels: 2,
                   kernelHeight: 2, kernelWidth: 3, strideHeight: 1, strideWidth: 3),
    // two groups
    Conv2DGeometry(batch: 5, inputChannels: 4, inputHeight: 6, inputWidth: 5, outputChannels: 6,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 2),
    // depthwise, and depthwise with channel multiplier 2
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 7, inputWidth: 7, outputChannels: 3,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2,
                   padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 3),
    Conv2DGeometry(batch: 1, inputChannels: 3, inputHeight: 5, inputWidth: 6, outputChannels: 6,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 3),
    // depthwise with multiplier 2, batch 5, stride (1, 2), dilation 2, asymmetric padding
    Conv2DGeometry(batch: 5, inputChannels: 4, inputHeight: 9, inputWidth: 8, outputChannels: 8,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 2, dilationHeight: 2, dilationWidth: 2,
                   padTop: 2, padBottom: 1, padLeft: 1, padRight: 2, groups: 4),
    // depthwise with column stride 1 (the AVX-512 kernel where available): widths that are not
    // multiples of 16 (37 → two and a bit chunks, 20), padding 0 and 1, row stride 2, dilation 2
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 9, inputWidth: 37, outputChannels: 3,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 3),
    Conv2DGeometry(batch: 3, inputChannels: 2, inputHeight: 6, inputWidth: 20, outputChannels: 4,
                   kernelHeight: 3, kernelWidth: 3, groups: 2),
    Conv2DGeometry(batch: 2, inputChannels: 4, inputHeight: 11, inputWidth: 18, outputChannels: 4,
                   kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 1,
                   padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 4),
    Conv2DGeometry(batch: 2, inputChannels: 2, inputHeight: 10, inputWidth: 33, outputChannels: 4,
                   kernelHeight: 3, kernelWidth: 3, dilationHeight: 2, dilationWidth: 2,
                   padTop: 2, padBottom: 1, padLeft: 2, padRight: 0, groups: 2),
    Conv2DGeometry(batch: 1, inputChannels: 2, inputHeight: 5, inputWidth: 17, outputChannels: 2,
                   kernelHeight: 5, kernelWidth: 5, strideWidth: 2, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2,
                   groups: 2),
    // 3×3 depthwise, unit strides (output rows two at a time), rows over 64 wide (two blocks of
    // columns), padding past the top and none at the bottom, an odd and an even row count
    Conv2DGeometry(batch: 2, inputChannels: 4, inputHeight: 13, inputWidth: 70, outputChannels: 4,
                   kernelHeight: 3, kernelWidth: 3, padTop: 2, padBottom: 0, padLeft: 1, padRight: 1, groups: 4),
    Conv2DGeometry(batch: 1, inputChannels: 3, inputHeight: 8, inputWidth: 50, outputChannels: 6,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 0, padRight: 2, groups: 3),
    // pointwise 1×1 (skips im2col), batch 5 and batch 1, and 1×1 with groups
    Conv2DGeometry(batch: 5, inputChannels: 5, inputHeight: 7, inputWidth: 7, outputChannels: 3,
                   kernelHeight: 1, kernelWidth: 1),
    Conv2DGeometry(batch: 1, inputChannels: 4, inputHeight: 3, inputWidth: 5, outputChannels: 2,
                   kernelHeight: 1, kernelWidth: 1, groups: 2),
    // 1×1 with stride 2 (not pointwise) and 1×1 padded
    Conv2DGeometry(batch: 2, inputChannels: 3, inputHeight: 7, inputWidth: 7, outputChannels: 2,
                   kernelHeight: 1, kernelWidth: 1, strideHeight: 2, strideWidth: 2),
    Conv2DGeometry(batch: 1, inputChannels: 2, inputHeight: 3, inputWidth: 3, outputChannels: 2,
                   kernelHeight: 1, kernelWidth: 1, padTop: 1, padBottom: 0, padLeft: 0, padRight: 1),
    // a 1×1 image, a kernel larger than the image thanks to padding, a 33-wide row
    Conv2DGeometry(batch: 3, inputChannels: 2, inputHeight: 1, inputWidth: 1, outputChannels: 3,
                   kernelHeight: 1, kernelWidth: 1),
    Conv2DGeometry(batch: 2, inputChannels: 1, inputHeight: 1, inputWidth: 1, outputChannels: 2,
                   kernelHeight: 3, kernelWidth: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    Conv2DGeometry(batch: 1, inputChannels: 2, inputHeight: 1, inputWidth: 33, outputChannels: 2,
                   kernelHeight: 1, kernelWidth: 7, strideWidth: 3, dilationWidth: 2, padLeft: 3, padRight: 0),
]

func convForward(_ g: Conv2DGeometry, _ x: [Float], _ w: [Float], _ b: [Float]?, naive: Bool) -> [Float] {
    var y = [Float](repeating: .nan, count: g.outputCount)
    y.withUnsafeMutableBufferPointer { y in
        if let b {
            if naive { conv2dForwardNaive(output: y.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
            else { conv2dForward(output: y.baseAddress!, input: x, weight: w, bias: b, geometry: g) }
        } else {
            if naive { conv2dForwardNaive(output: y.baseAddress!, input: x, weight: w, bias: nil, geometry: g) }
            else { conv2dForward(output: y.baseAddress!, input: x, weight: w, bias: nil, geometry: g) }
        }
    }
    return y
}

/// Runs a backward pass into copies of the given starting gradients (nil = not requested).
func convBackward(
    _ g: Conv2DGeometry, dx: [Float]?, dw: [Float]?, db: [Float]?, dy: [Float], x: [Float], w: [Float], naive: Bool
) -> (dx: [Float]?, dw: [Float]?, db: [Float]?) {
    var dx = dx, dw = dw, db = db
    func run(_ pdx: UnsafeMutablePointer<Float>?, _ pdw: UnsafeMutablePointer<Float>?, _ pdb: UnsafeMutablePointer<Float>?) {
        if naive {
            conv2dBackwardNaive(dInput: pdx, dWeight: pdw, dBias: pdb, dOutput: dy, input: x, weight: w, geometry: g)
        } else {
            conv2dBackward(dInput: pdx, dWeight: pdw, dBias: pdb, dOutput: dy, input: x, weight: w, geometry: g)
        }
    }
    func withOptional(_ a: inout [Float]?, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
        if a == nil { body(nil); return }
        a!.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
    withOptional(&dx) { pdx in withOptional(&dw) { pdw in withOptional(&db) { pdb in run(pdx, pdw, pdb) } } }
    return (dx, dw, db)
}

@Suite(.serialized) struct ConvolutionTests {
    @Test(arguments: [1, 2])
    func forwardMatchesNaive(threads: Int) {
        withThreads(threads) {
            var rng = TestRandom(seed: 1)
            for g in convGeometries {
                #expect(g.validationFailure == nil, "\(g)")
                let x = rng.floats(g.inputCount), w = rng.floats(g.weightCount), b = rng.floats(g.outputChannels)
                for bias in [nil, b] {
                    let fast = convForward(g, x, w, bias, naive: false)
                    let slow = convForward(g, x, w, bias, naive: true)
                    expectClose(fast, slow, "geometry \(g), bias \(bias != nil)")
                }
            }
        }
    }

    @Test(arguments: [1, 2])
    func backwardMatchesNaiveAndAccumulates(threads: Int) {
        withThreads(threads) {
            var rng = TestRandom(seed: 2)
            for g in convGeometries {
                let x = rng.floats(g.inputCount), w = rng.floats(g.weightCount)
                let dy = rng.floats(g.outputCount)
                // Pre-filled gradients: the kernels must add to them.
                let dx0 = rng.floats(g.inputCount), dw0 = rng.floats(g.weightCount), db0 = rng.floats(g.outputChannels)
                let fast = convBackward(g, dx: dx0, dw: dw0, db: db0, dy: dy, x: x, w: w, naive: false)
                let slow = convBackward(g, dx: dx0, dw: dw0, db: db0, dy: dy, x: x, w: w, naive: true)
                expectClose(fast.dx!, slow.dx!, "dInput, geometry \(g)")
                expectClose(fast.dw!, slow.dw!, "dWeight, geometry \(g)")
                expectClose(fast.db!, slow.db!, "dBias, geometry \(g)")
                // Each gradient alone gives the same numbers as all three together.
                let onlyDx = convBackward(g, dx: dx0, dw: nil, db: nil, dy: dy, x: x, w: w, naive: false)
                let onlyDw = convBackward(g, dx: nil, dw: dw0, db: nil, dy: dy, x: x, w: w, naive: false)
                #expect(maxRelativeError(onlyDx.dx!, fast.dx!) == 0, "dInput alone, geometry \(g)")
                #expect(maxRelativeError(onlyDw.dw!, fast.dw!) == 0, "dWeight alone, geometry \(g)")
            }
        }
    }

    /// The depthwise forward kernels add the taps in the naive loop's order, from the bias: the
    /// same bits, not just close ones.
    @Test func depthwiseForwardIsBitIdenticalToNaive() {
        var rng = TestRandom(seed: 5)
        for g in convGeometries where g.isDepthwise {
            let x = rng.floats(g.inputCount), w = rng.floats(g.weightCount), b = rng.floats(g.outputChannels)
            let same = convForward(g, x, w, b, naive: false) == convForward(g, x, w, b, naive: true)
            #expect(same, "geometry \(g)")
        }
    }

    @Test func resultsAreBitIdenticalRunToRun() {
        withThreads(2) {
            var rng = TestRandom(seed: 3)
            let g = convGeometries[0]
            let x = rng.floats(g.inputCount), w = rng.floats(g.weightCount), dy = rng.floats(g.outputCount)
            let zeros = { (n: Int) in [Float](repeating: 0, count: n) }
            let a = convBackward(g, dx: zeros(g.inputCount), dw: zeros(g.weightCount), db: zeros(g.outputChannels),
                                 dy: dy, x: x, w: w, naive: false)
            let b = convBackward(g, dx: zeros(g.inputCount), dw: zeros(g.weightCount), db: zeros(g.outputChannels),
                                 dy: dy, x: x, w: w, naive: false)
            #expect(a.dx! == b.dx! && a.dw! == b.dw! && a.db! == b.db!)
        }
    }

    @Test func handWorked2x2KernelOn3x3Input() {
        // x = [1 2 3; 4 5 6; 7 8 9], W = [1 2; 3 4], bias 1:
        // y[0,0] = 1·1 + 2·2 + 4·3 + 5·4 + 1 = 38, y[0,1] = 2 + 6 + 15 + 24 + 1 = 48, ...
        let g = Conv2DGeometry(batch: 1, inputChannels: 1, inputHeight: 3, inputWidth: 3, outputChannels: 1,
                               kernelHeight: 2, kernelWidth: 2)
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9], w: [Float] = [1, 2, 3, 4]
        #expect(g.outputHeight == 2 && g.outputWidth == 2)
        #expect(convForward(g, x, w, [1], naive: false) == [38, 48, 68, 78])
        #expect(convForward(g, x, w, [1], naive: true) == [38, 48, 68, 78])
        // With dy = 1 everywhere: dW[r,s] = sum of the 2×2 block of x at offset (r,s);
        // dx[h,w] = sum of the weights that touch (h,w); dBias = 4.
        let grads = convBackward(g, dx: [Float](repeating: 0, count: 9), dw: [0, 0, 0, 0], db: [0],
                                 dy: [1, 1, 1, 1], x: x, w: w, naive: false)
        #expect(grads.dw! == [12, 16, 24, 28])
        #expect(grads.dx! == [1, 3, 2, 4, 10, 6, 3, 7, 4])
        #expect(grads.db! == [4])
    }

    @Test func edgeDetectorFindsTheStep() {
        // Two rows of a step 0 0 0 1 1 1; the kernel [1, −1] gives x[q] − x[q+1].
        let g = Conv2DGeometry(batch: 1, inputChannels: 1, inputHeight: 2, inputWidth: 6, outputChannels: 1,
                               kernelHeight: 1, kernelWidth: 2)
        let x: [Float] = [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]
        let y = convForward(g, x, [1, -1], nil, naive: false)
        #expect(y == [0, 0, -1, 0, 0, 0, 0, -1, 0, 0])
    }

    @Test func im2colAndCol2imAreAdjoint() {
        var rng = TestRandom(seed: 4)
        for g in convGeometries {
            let rows = g.columnRows, cols = g.outputHeight * g.outputWidth
            let imageCount = g.inputChannels * g.inputHeight * g.inputWidth
            let x = rng.floats(imageCount), y = rng.floats(rows * cols)
            var columns = [Float](repeating: .nan, count: rows * cols)
            var image = [Float](repeating: 0, count: imageCount)
            columns.withUnsafeMutableBufferPointer { im2col(columns: $0.baseAddress!, image: x, geometry: g) }
            image.withUnsafeMutableBufferPointer { col2im(image: $0.baseAddress!, columns: y, geometry: g) }
            var lhs = 0.0, rhs = 0.0
            for i in columns.indices { lhs += Double(columns[i]) * Double(y[i]) }
            for i in image.indices { rhs += Double(x[i]) * Double(image[i]) }
            #expect(abs(lhs - rhs) <= 1e-4 * (1 + abs(lhs)), "geometry \(g): \(lhs) vs \(rhs)")
        }
    }

    @Test func im2colLayoutAndPadding() {
        // 1 channel 2×2 image, 2×2 kernel, padding 1 on the left only: P = 1, Q = 2.
        let g = Conv2DGeometry(batch: 1, inputChannels: 1, inputHeight: 2, inputWidth: 2, outputChannels: 1,
                               kernelHeight: 2, kernelWidth: 2, padLeft: 1)
        var columns = [Float](repeating: .nan, count: 4 * 2)
        columns.withUnsafeMutableBufferPointer { im2col(columns: $0.baseAddress!, image: [1, 2, 3, 4], geometry: g) }
        // rows (r, s) = (0,0) (0,1) (1,0) (1,1); columns q = 0, 1
        #expect(columns == [0, 1, 1, 2, 0, 3, 3, 4])
    }

    @Test func validationNamesTheBadValue() {
        var g = Conv2DGeometry(batch: 1, inputChannels: 3, inputHeight: 3, inputWidth: 3, outputChannels: 2,
                               kernelHeight: 5, kernelWidth: 5)
        #expect(g.validationFailure == "the 5×5 kernel with dilation 1 does not fit the 3×3 input padded by 0.")
        g.padTop = 1; g.padBottom = 1; g.padLeft = 1; g.padRight = 1
        #expect(g.validationFailure == nil)
        #expect(g.outputHeight == 1 && g.outputWidth == 1)
        g.groups = 2
        #expect(g.validationFailure?.contains("divisible by groups") == true)
        g.groups = 1; g.strideWidth = 0
        #expect(g.validationFailure?.contains("strideWidth") == true)
        g.strideWidth = 1; g.padLeft = -1
        #expect(g.validationFailure?.contains("padLeft") == true)
    }
}
