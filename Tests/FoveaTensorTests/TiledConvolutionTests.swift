// unfold/fold and tiled convolution: convolution is unfold + one shared matrix; tiled convolution
// with one tile is convolution, with a tile per position it is locally connected.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct TiledConvolutionTests {
    @Test func convolutionIsASharedMatrixTimesTheUnfoldedInput() throws {
        let x = try uniform([2, 3, 5, 6], seed: 1), w = try uniform([4, 3, 3, 2], seed: 2)
        let columns = try x.unfolded(kernelSize: [3, 2], stride: [2, 1], padding: .uniform(1))
        #expect(columns.shape == [2, 18, 3 * 7])
        let conv = try x.conv2d(weight: w, stride: [2, 1], padding: .uniform(1))
        let flatWeight = try w.reshaped(to: [4, 18])
        for n in 0..<2 {
            let product = try flatWeight.matmul(columns.example(n))
            expectValues(product, shape: [4, 21], try conv.example(n).reshaped(to: [4, 21]).scalars, tolerance: 1e-4)
        }
    }

    @Test func foldIsTheAdjointOfUnfoldAndBothHaveGradients() throws {
        let x = try uniform([1, 2, 4, 5], seed: 3), y = try uniform([1, 2 * 4, 4 * 5], seed: 4)
        let ux = try x.unfolded(kernelSize: [2, 2], padding: .explicit(before: [0, 1], after: [1, 0]))
        let fy = try y.folded(outputSize: [4, 5], kernelSize: [2, 2], padding: .explicit(before: [0, 1], after: [1, 0]))
        let lhs = try (ux * y).sum().item(), rhs = try (x * fy).sum().item()
        #expect(abs(lhs - rhs) < 1e-4)
        try expectGradients([try uniform([2, 2, 5], seed: 5)]) { t in try t[0].unfolded(kernelSize: [3], stride: [2], dilation: [1]) }
        try expectGradients([try uniform([1, 2 * 3, 3], seed: 6)]) { t in try t[0].folded(outputSize: [5], kernelSize: [3], dilation: [1]) }
        #expect(throws: TensorError.self) { try y.folded(outputSize: [9, 9], kernelSize: [2, 2]) }
    }

    @Test func oneTileIsConvolution() throws {
        let x = try uniform([2, 3, 6, 5], seed: 7), w = try uniform([4, 3, 3, 3], seed: 8), b = try uniform([4], seed: 9)
        let tiled = try x.tiledConvolution(weight: w.reshaped(to: [1, 4, 27]), bias: b.reshaped(to: [1, 4]), kernelSize: [3], tiles: [1],
                                           padding: .same)
        expectValues(tiled, shape: [2, 4, 6, 5], try x.conv2d(weight: w, bias: b, padding: .same).scalars, tolerance: 1e-4)
    }

    /// Each output position of a locally connected layer uses its own kernel: position (p, q) of
    /// a 2×2-tiled convolution equals a convolution with kernel (p mod 2, q mod 2) at that position.
    @Test func tilesCycleAcrossPositions() throws {
        let x = try uniform([1, 2, 5, 5], seed: 10), w = try uniform([4, 3, 2 * 2 * 2], seed: 11)
        let y = try x.tiledConvolution(weight: w, kernelSize: [2], tiles: [2, 2])
        for tile in 0..<4 {
            let kernel = try w.narrowed(axis: 0, range: tile..<(tile + 1)).reshaped(to: [3, 2, 2, 2])
            let conv = try x.conv2d(weight: kernel)
            for p in 0..<4 { for q in 0..<4 where (p % 2) * 2 + q % 2 == tile {
                for k in 0..<3 {
                    let got = y.scalars[(k * 4 + p) * 4 + q], want = conv.scalars[(k * 4 + p) * 4 + q]
                    #expect(abs(got - want) < 1e-5, "tile \(tile) position (\(p), \(q)) channel \(k)")
                }
            } }
        }
    }

    @Test func gradientsOfTiledConvolution() throws {
        try expectGradients([try uniform([2, 2, 5, 4], seed: 12), try uniform([2 * 3, 3, 2 * 2 * 2], seed: 13), try uniform([6, 3], seed: 14)]) { t in
            try t[0].tiledConvolution(weight: t[1], bias: t[2], kernelSize: [2], tiles: [2, 3], stride: [1], padding: .uniform(1))
        }
        try expectGradients([try uniform([1, 2, 7], seed: 15), try uniform([3, 2, 2 * 3], seed: 16)]) { t in
            try t[0].tiledConvolution(weight: t[1], kernelSize: [3], tiles: [3], stride: [2])
        }
    }

    @Test func badTilesAndWeightsAreRefused() throws {
        let x = try Tensor.zeros([1, 2, 4, 4])
        #expect(throws: TensorError.self) { try x.tiledConvolution(weight: try Tensor.zeros([1, 1, 8]), kernelSize: [2], tiles: [4]) }  // 4 > 3 positions
        #expect(throws: TensorError.self) { try x.tiledConvolution(weight: try Tensor.zeros([4, 1, 7]), kernelSize: [2], tiles: [2]) }
    }
}
