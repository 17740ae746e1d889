// Maxout and local response normalisation ops: hand-worked values, gradient checks and errors.

import Foundation
import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct ChannelOpTests {
    @Test func maxoutByHandAndGradient() throws {
        let x = try Tensor(shape: [1, 4, 1], scalars: [1, 5, 3, 2])
        expectValues(try x.maxout(pieces: 2), shape: [1, 2, 1], [5, 3])
        try expectGradients([try kinkFreeTensor([2, 6, 3])], "maxout 3 pieces") { try $0[0].maxout(pieces: 3) }
        #expect(errorDescription { try x.maxout(pieces: 3) }?.contains("divide the 4 channels") == true)
        #expect(errorDescription { try Tensor([1, 2]).maxout(pieces: 1) }?.contains("maxout") == true)
    }

    @Test func localResponseNormAlexNet() throws {
        let x = try uniform([2, 7, 3, 2], -3, 3)
        let y = try x.localResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2)
        // Channel 0 of position 0: its window is channels 0…2.
        let xs = x.scalars, plane = 6
        let sum = (0..<3).map { Double(xs[$0 * plane]) * Double(xs[$0 * plane]) }.reduce(0, +)
        let expected = Double(xs[0]) / Foundation.pow(2 + 1e-4 / 5 * sum, 0.75)
        #expect(abs(Double(y.scalars[0]) - expected) < 1e-6)
        try expectGradients([x], "LRN large alpha") { try $0[0].localResponseNorm(size: 3, alpha: 0.5, beta: 0.75, k: 1) }
        #expect(errorDescription { try Tensor.zeros([2, 3]).localResponseNorm(size: 3) }?.contains("localResponseNorm") == true)
        #expect(errorDescription { try x.localResponseNorm(size: 0) }?.contains("size") == true)
    }
}
