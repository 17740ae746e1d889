// Broadcasting: the values and shapes it produces, by hand.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct BroadcastingTests {
    @Test func rowPlusColumn() throws {
        let column = try Tensor(shape: [3, 1], scalars: [0, 10, 20])
        let row = try Tensor(shape: [4], scalars: [1, 2, 3, 4])
        expectValues(try column + row, shape: [3, 4], [1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24])
        expectValues(try row - column, shape: [3, 4], [1, 2, 3, 4, -9, -8, -7, -6, -19, -18, -17, -16])
    }

    @Test func leadingDimensionsStretch() throws {
        let x = try Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Float.init))
        let scale = try Tensor(shape: [2, 1], scalars: [1, -1])
        expectValues(try x * scale, shape: [2, 2, 3], [0, 1, 2, -3, -4, -5, 6, 7, 8, -9, -10, -11])
        expectValues(try x / Tensor(scalar: 2), shape: [2, 2, 3], (0..<12).map { Float($0) / 2 })
        expectValues(try Tensor(scalar: 2) - x, shape: [2, 2, 3], (0..<12).map { 2 - Float($0) })
    }

    @Test func scalarOperators() throws {
        let x = try Tensor(shape: [2], scalars: [2, -4])
        expectValues(x + 1, shape: [2], [3, -3])
        expectValues(1 - x, shape: [2], [-1, 5])
        expectValues(x * 0.5, shape: [2], [1, -2])
        expectValues(8 / x, shape: [2], [4, -2])
        expectValues(x / 4, shape: [2], [0.5, -1])
        expectValues(-x, shape: [2], [-2, 4])
    }

    @Test func maximumAndMinimumBroadcast() throws {
        let x = try Tensor(shape: [2, 2], scalars: [-1, 2, 3, -4])
        expectValues(try Tensor.maximum(x, Tensor(scalar: 0)), shape: [2, 2], [0, 2, 3, 0])
        expectValues(try Tensor.minimum(x, Tensor([0, 1])), shape: [2, 2], [-1, 1, 0, -4])
    }

    @Test func broadcastTo() throws {
        let x = try Tensor(shape: [2, 1], scalars: [5, 6])
        expectValues(try x.broadcast(to: [3, 2, 2]), shape: [3, 2, 2], [5, 5, 6, 6, 5, 5, 6, 6, 5, 5, 6, 6])
        expectValues(try Tensor(scalar: 7).broadcast(to: [2]), shape: [2], [7, 7])
    }

    @Test func broadcastGradientsSumOverStretchedDimensions() throws {
        let a = try Tensor.ones([2, 3, 4]).requiringGradient()
        let b = try Tensor(shape: [3, 1], scalars: [1, 2, 3]).requiringGradient()
        try (a * b).sum().backward()
        expectValues(b.gradient!, shape: [3, 1], [8, 8, 8])
        expectValues(a.gradient!, shape: [2, 3, 4], (0..<24).map { Float(($0 / 4) % 3 + 1) })
    }
}
