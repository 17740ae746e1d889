// The properties that make CNNs work (Goodfellow et al. ch. 9), each checked: translation
// equivariance, the invariance max pooling buys, sparse interactions and parameter sharing in
// numbers, and receptive fields computed analytically against the empirical footprint.

import FoveaModels
import FoveaNN
import Testing

@Suite struct ConvolutionPropertiesTests {
    /// Shifts `[1, 1, H, W]` right by `dx` and down by `dy`, filling with zeros.
    private func shifted(_ x: Tensor, dx: Int, dy: Int) throws -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3]), v = x.scalars
        var out = [Float](repeating: 0, count: v.count)
        for i in 0..<h { for j in 0..<w where i - dy >= 0 && j - dx >= 0 && i - dy < h && j - dx < w { out[i * w + j] = v[(i - dy) * w + j - dx] } }
        return try Tensor(shape: x.shape, scalars: out)
    }

    /// conv(shift(x)) = shift(conv(x)) away from the borders, exactly.
    @Test func convolutionIsEquivariantToTranslation() throws {
        var g = SeededGenerator(seed: 1)
        let x = try Tensor.randomNormal([1, 1, 12, 12], using: &g), k = try Tensor.randomNormal([1, 1, 3, 3], using: &g)
        let a = try shifted(x, dx: 2, dy: 1).conv2d(weight: k), b = try shifted(x.conv2d(weight: k), dx: 2, dy: 1)
        let (h, w) = (a.shape[2], a.shape[3])
        for i in 3..<h { for j in 4..<w {  // beyond the rows/columns the shift brought in
            #expect(a.scalars[i * w + j] == b.scalars[i * w + j], "(\(i), \(j))")
        } }
        // With stride 2 a one-pixel shift is not reproduced; a two-pixel shift moves the output by one.
        let s1 = try shifted(x, dx: 1, dy: 0).conv2d(weight: k, stride: [2]), base = try x.conv2d(weight: k, stride: [2])
        let s2 = try shifted(x, dx: 2, dy: 0).conv2d(weight: k, stride: [2])
        let q = base.shape[3]
        var oneMatches = 0
        for i in 0..<base.shape[2] { for j in 2..<q {
            #expect(s2.scalars[i * q + j] == base.scalars[i * q + j - 1])
            if s1.scalars[i * q + j] == base.scalars[i * q + j - 1] || s1.scalars[i * q + j] == base.scalars[i * q + j] { oneMatches += 1 }
        } }
        #expect(oneMatches == 0, "a one-pixel shift should not map stride-2 outputs onto each other")

        // Pooling 2×2 (stride 2) is equivariant to shifts by 2, which move its output by one.
        let detector = try x.conv2d(weight: k).relu()                       // 10×10
        let pooled = try detector.maxPool2d(kernelSize: [2])                 // 5×5
        let pooledShifted = try shifted(detector, dx: 2, dy: 2).maxPool2d(kernelSize: [2])
        for i in 1..<5 { for j in 1..<5 { #expect(pooledShifted.scalars[i * 5 + j] == pooled.scalars[(i - 1) * 5 + j - 1]) } }
    }

    /// Book Fig. 9.8: shifting the input by one pixel changes every detector output but only some
    /// of the max-pooled outputs (window 3, stride 1).
    @Test func maxPoolingMakesTheOutputNearlyInvariant() throws {
        let detector: [Float] = [0.1, 1.0, 0.2, 0.1, 0.0, 0.3, 1.2, 0.4, 0.1, 0.9, 0.2, 0.0]
        let shiftedDetector: [Float] = [0.3] + detector.dropLast()
        func pool(_ v: [Float]) throws -> [Float] {
            try Tensor(shape: [1, 1, 1, v.count], scalars: v).maxPool2d(kernelSize: [1, 3], stride: [1, 1]).scalars
        }
        let detectorChanges = zip(detector, shiftedDetector).filter { $0 != $1 }.count
        let (p, ps) = (try pool(detector), try pool(shiftedDetector))
        let poolChanges = zip(p, ps).filter { $0 != $1 }.count
        #expect(detectorChanges == detector.count)
        #expect(poolChanges * 2 <= p.count, "pooled outputs changed: \(poolChanges) of \(p.count): \(p) vs \(ps)")
    }

    /// The book's edge detector: a 320×280 image, kernel [−1, 1]: 319·280·3 = 267,960 floating-point
    /// operations (two products and a sum per output), two weights, against 320·280·319·280 entries
    /// for the dense matrix of the same map.
    @Test func sparseInteractionsAndParameterSharingInNumbers() throws {
        let edge = try Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: [1, 2], bias: false)
        let input = [1, 1, 280, 320]
        let a = try edge.analyze(input: input)
        #expect(a.outputShape == [1, 1, 280, 319])
        #expect(a.floatingPointOperations == 267_960)
        #expect(a.multiplyAdds == 319 * 280 * 2)
        #expect(edge.parameterCount == 2)
        let dense = input.reduce(1, *) * a.outputShape.reduce(1, *)
        #expect(dense == 320 * 280 * 319 * 280 && dense > 8_000_000_000)
        // And it does detect the edge: a step image gives a response only at the step.
        try edge.weight.assign(Tensor(shape: [1, 1, 1, 2], scalars: [-1, 1]))
        let step = try Tensor(shape: [1, 1, 1, 6], scalars: [0, 0, 0, 1, 1, 1])
        #expect(try edge(step).scalars == [0, 0, 1, 0, 0])
    }

    /// The analytic receptive field of one unit equals the bounding box of its empirical footprint:
    /// the input pixels with a non-zero gradient of that unit, through strided, padded, dilated and
    /// pooled stacks (average pooling, so no argmax hides a pixel; positive weights, no cancellation).
    @Test func analyticReceptiveFieldMatchesTheEmpiricalFootprint() throws {
        func ones(_ layer: Conv2D) throws -> Conv2D {
            try layer.weight.assign(Tensor(repeating: 1, shape: layer.weight.shape)); return layer
        }
        let stacks: [Sequential] = [
            Sequential(try ones(Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 3, padding: .uniform(1))),
                       try ones(Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 2))),
            Sequential(try ones(Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 3, dilation: 2)),
                       try AvgPool2D(kernelSize: 2),
                       try ones(Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: [3, 2], stride: [1, 2], padding: .uniform(1)))),
            Sequential(try ones(Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 5, stride: 2, padding: .same)),
                       try AvgPool2D(kernelSize: 3, stride: 2, padding: .uniform(1)),
                       try ones(Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 3, padding: .same, dilation: 2))),
        ]
        for (index, model) in stacks.enumerated() {
            let input = [1, 1, 40, 40]
            let summary = try model.summary(input: input)
            let last = try #require(summary.rows.last)
            let (r, j, a) = (try #require(last.receptiveField), try #require(last.jump), try #require(last.start))
            let out = last.outputShape
            let unit = (out[2] / 2, out[3] / 2)
            // Empirical: gradient of that one unit with respect to the input.
            let x = try Tensor(repeating: 1, shape: input).requiringGradient()
            let y = try model(x)
            var seed = [Float](repeating: 0, count: y.count)
            seed[unit.0 * out[3] + unit.1] = 1
            try y.backward(seed: Tensor(shape: y.shape, scalars: seed))
            let gradient = try #require(x.gradient).scalars
            let hit = gradient.indices.filter { gradient[$0] != 0 }
            let rows = hit.map { $0 / 40 }, cols = hit.map { $0 % 40 }
            let expectedTop = a[0] + unit.0 * j[0], expectedLeft = a[1] + unit.1 * j[1]
            #expect(rows.min() == max(0, expectedTop) && rows.max() == min(39, expectedTop + r[0] - 1), "stack \(index) rows")
            #expect(cols.min() == max(0, expectedLeft) && cols.max() == min(39, expectedLeft + r[1] - 1), "stack \(index) columns")
            #expect(expectedTop >= 0 && expectedTop + r[0] <= 40, "stack \(index): choose a unit whose field lies inside")
        }
    }

    @Test func summaryOfTheSmallCNN() throws {
        let model = try Models.smallCNN()
        let s = try model.summary(input: [1, 1, 28, 28])
        #expect(s.trainableParameters == 454_922)
        #expect(s.multiplyAdds == 627_200 + 10_035_200 + 401_408 + 1_280)
        #expect(s.rows.map(\.name) == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
        #expect(s.rows[5].receptiveField == [16, 16] && s.rows[5].jump == [4, 4])  // 5 → 6 → 14 → 16
        #expect(s.outputShape == [1, 10])
        #expect(s.description.contains("454,922"))
        // Too small an input names the layer where the map vanishes.
        #expect(throws: SummaryError.self) { try model.summary(input: [1, 1, 2, 2]) }
    }
}

