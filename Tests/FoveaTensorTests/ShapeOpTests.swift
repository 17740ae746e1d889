// Reshape, flatten, permute/transpose, narrow, example, concatenate and split: gradient checks
// and the element order they produce.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct ShapeOpTests {
    @Test func reshapedGradient() throws {
        let x = try uniform([2, 3, 4])
        try expectGradients([x], "[6, 4]") { try $0[0].reshaped(to: [6, 4]) }
        try expectGradients([x], "[4, -1]") { try $0[0].reshaped(to: [4, -1]) }
        try expectGradients([x], "[24]") { try $0[0].reshaped(to: [24]) }
    }

    @Test func flattenedGradient() throws {
        let x = try uniform([2, 3, 2, 2])
        try expectGradients([x], "from 1") { try $0[0].flattened() }
        try expectGradients([x], "from 0") { try $0[0].flattened(startingAt: 0) }
        try expectGradients([x], "from 2") { try $0[0].flattened(startingAt: 2) }
    }

    @Test(arguments: [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0], [0, 2, 1]] as [[Int]])
    func permutedGradient(axes: [Int]) throws {
        try expectGradients([try uniform([2, 3, 4])], "axes \(axes)") { try $0[0].permuted(axes) }
    }

    @Test func transposedGradient() throws {
        try expectGradients([try uniform([3, 4])], "rank 2") { try $0[0].transposed() }
        try expectGradients([try uniform([2, 3, 4])], "rank 3") { try $0[0].transposed() }
    }

    @Test func narrowedGradient() throws {
        let x = try uniform([3, 4, 2])
        try expectGradients([x], "axis 0") { try $0[0].narrowed(axis: 0, range: 1..<3) }
        try expectGradients([x], "axis 1") { try $0[0].narrowed(axis: 1, range: 0..<2) }
        try expectGradients([x], "axis -1") { try $0[0].narrowed(axis: -1, range: 1..<2) }
    }

    @Test func exampleGradient() throws {
        try expectGradients([try uniform([3, 2, 2])]) { try $0[0].example(1) }
    }

    @Test func concatenatedGradient() throws {
        let inputs = [try uniform([2, 1, 3], seed: 1), try uniform([2, 3, 3], seed: 2), try uniform([2, 2, 3], seed: 3)]
        try expectGradients(inputs, "axis 1") { try Tensor.concatenated($0, alongAxis: 1) }
        let rows = [try uniform([1, 3], seed: 1), try uniform([2, 3], seed: 2)]
        try expectGradients(rows, "axis 0") { try Tensor.concatenated($0) }
        try expectGradients(rows.map { try $0.transposed() }, "axis -1") { try Tensor.concatenated($0, alongAxis: -1) }
    }

    @Test func splitGradient() throws {
        try expectGradients([try uniform([2, 6])]) { inputs in
            let pieces = try inputs[0].split(sizes: [1, 3, 2], alongAxis: 1)
            // Weight the pieces differently so that a gradient sent to the wrong piece shows.
            return try Tensor.concatenated([pieces[2] * 3, pieces[0].squared(), pieces[1]], alongAxis: 1)
        }
    }

    @Test func elementOrder() throws {
        let x = try Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        expectValues(try x.transposed(), shape: [3, 2], [0, 3, 1, 4, 2, 5])
        expectValues(try x.reshaped(to: [3, -1]), shape: [3, 2], [0, 1, 2, 3, 4, 5])
        expectValues(try x.narrowed(axis: 1, range: 1..<3), shape: [2, 2], [1, 2, 4, 5])
        expectValues(try x.example(1), shape: [3], [3, 4, 5])
        let y = try Tensor(shape: [2, 1], scalars: [9, 8])
        expectValues(try Tensor.concatenated([x, y], alongAxis: 1), shape: [2, 4], [0, 1, 2, 9, 3, 4, 5, 8])
        let pieces = try x.split(sizes: [2, 1], alongAxis: 1)
        expectValues(pieces[0], shape: [2, 2], [0, 1, 3, 4])
        expectValues(pieces[1], shape: [2, 1], [2, 5])
        let cube = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let permuted = try cube.permuted([2, 0, 1])
        #expect(permuted.shape == [4, 2, 3])
        // permuted[k, i, j] == cube[i, j, k]
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            #expect(permuted.scalars[(k * 2 + i) * 3 + j] == cube.scalars[(i * 3 + j) * 4 + k])
        } } }
        #expect(try cube.flattened().shape == [2, 12])
        #expect(try cube.flattened(startingAt: 3).shape == [2, 3, 4, 1])
    }
}
