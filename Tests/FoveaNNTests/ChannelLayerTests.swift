// Maxout and LocalResponseNorm layers, with the learned-invariance example: a maxout unit over
// three filters tuned to one glyph at three rotations responds to every rotation, equally and
// strongly, while each filter alone responds strongly to one rotation only.

import FoveaNN
import Testing
import _FoveaTestSupport

@Suite struct ChannelLayerTests {
    /// An "L" glyph: left column and bottom row of a 3×3 cell.
    static let glyph: [[Float]] = [[1, 0, 0], [1, 0, 0], [1, 1, 1]]

    /// The glyph turned a quarter clockwise `quarters` times.
    static func rotated(_ g: [[Float]], quarters: Int) -> [[Float]] {
        var r = g
        for _ in 0..<quarters { r = (0..<3).map { i in (0..<3).map { j in r[2 - j][i] } } }
        return r
    }

    /// A 5×5 image with the glyph in the middle.
    static func image(_ g: [[Float]]) throws -> Tensor {
        var pixels = [Float](repeating: 0, count: 25)
        for i in 0..<3 { for j in 0..<3 { pixels[(i + 1) * 5 + j + 1] = g[i][j] } }
        return try Tensor(shape: [1, 1, 5, 5], scalars: pixels)
    }

    @Test func maxoutLearnsRotationInvariance() throws {
        let glyphs = (0..<3).map { Self.rotated(Self.glyph, quarters: $0) }
        let unit = try Maxout(inputChannels: 1, outputChannels: 1, pieces: 3, kernelSize: 3)
        let conv = try #require(unit.projection as? Conv2D)
        // Filter k matches rotation k: +1 on the glyph, −1 off it (so a full match scores 5).
        try conv.weight.assign(Tensor(shape: [3, 1, 3, 3], scalars: glyphs.flatMap { $0.flatMap { $0 } }.map { 2 * $0 - 1 }))
        try conv.bias!.assign(Tensor.zeros([3]))
        var unitResponses: [Float] = []
        for (k, g) in glyphs.enumerated() {
            let x = try Self.image(g)
            let pieces = try conv(x).globalMaxPool().scalars  // each filter's best response
            unitResponses.append(try unit(x).globalMaxPool().item())
            #expect(pieces[k] == 5, "filter \(k) on its own rotation")
            for other in 0..<3 where other != k {
                #expect(pieces[other] <= 0.4 * pieces[k], "filter \(other) on rotation \(k): \(pieces[other])")
            }
        }
        #expect(unitResponses == [5, 5, 5])
    }

    @Test func maxoutShapesAndParameters() throws {
        let dense = try Maxout(inputFeatures: 6, outputFeatures: 4, pieces: 3)
        #expect(dense.namedParameters.map(\.name) == ["projection.weight", "projection.bias"])
        #expect(dense.parameterCount == 6 * 12 + 12)
        #expect(try dense(randomTensor([2, 6])).shape == [2, 4])
        let conv = try Maxout(inputChannels: 2, outputChannels: 3, pieces: 2, kernelSize: 3, padding: .same)
        #expect(try conv(randomTensor([1, 2, 5, 5])).shape == [1, 3, 5, 5])
        #expect(thrownDescription { try Maxout(inputFeatures: 2, outputFeatures: 2, pieces: 0) }?.contains("Maxout") == true)
        #expect(thrownDescription { try Maxout(wrapping: try Linear(inputFeatures: 2, outputFeatures: 5), pieces: 2)(Tensor.zeros([1, 2])) }?
            .contains("maxout") == true)
    }

    @Test func localResponseNormLayer() throws {
        let alexNet = try LocalResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2)
        let x = try randomTensor([2, 8, 3, 3], -4, 4)
        #expect(try alexNet(x) == x.localResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2))
        try expectLayerGradients([x]) { try LocalResponseNorm(size: 3, alpha: 0.1)($0[0]) }
        #expect(thrownDescription { try LocalResponseNorm(size: 0) }?.contains("LocalResponseNorm") == true)
        #expect(thrownDescription { try alexNet(Tensor.zeros([2, 8])) }?.contains("[N, C, …]") == true)
    }
}
