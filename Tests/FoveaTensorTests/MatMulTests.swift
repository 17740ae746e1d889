// matmul and linear: gradient checks and small hand-computed products.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct MatMulTests {
    @Test(arguments: [(2, 3, 4), (1, 5, 1), (4, 1, 3), (3, 3, 3)])
    func matmulGradient(m: Int, k: Int, n: Int) throws {
        try expectGradients([try uniform([m, k], seed: 1), try uniform([k, n], seed: 2)], "\(m)×\(k)·\(k)×\(n)") {
            try $0[0].matmul($0[1])
        }
    }

    @Test func linearGradientWithBias() throws {
        let inputs = [try uniform([3, 4], seed: 1), try uniform([5, 4], seed: 2), try uniform([5], seed: 3)]
        try expectGradients(inputs) { try Tensor.linear($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func linearGradientWithoutBias() throws {
        let inputs = [try uniform([3, 4], seed: 1), try uniform([2, 4], seed: 2)]
        try expectGradients(inputs) { try Tensor.linear($0[0], weight: $0[1], bias: nil) }
    }

    @Test func values() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        expectValues(try a.matmul(b), shape: [2, 2], [58, 64, 139, 154])
        // linear(x, W, b) = x·Wᵀ + b with W [out, in].
        let w = try Tensor(shape: [2, 3], scalars: [1, 0, -1, 0.5, 0.5, 0.5])
        let bias = try Tensor(shape: [2], scalars: [10, -10])
        expectValues(try Tensor.linear(a, weight: w, bias: bias), shape: [2, 2], [8, -7, 8, -2.5])
        expectValues(try Tensor.linear(a, weight: w, bias: nil), shape: [2, 2], [-2, 3, -2, 7.5])
    }

    @Test func linearMatchesMatmulPlusBias() throws {
        let x = try uniform([4, 3], seed: 1), w = try uniform([5, 3], seed: 2), b = try uniform([5], seed: 3)
        let reference = try x.matmul(w.transposed()) + b
        let fused = try Tensor.linear(x, weight: w, bias: b)
        #expect(allClose(fused.scalars, reference.scalars))
    }
}
