// Leaky ReLU, ELU and PReLU ops: hand-computed values, gradient checks (inputs and slopes) and
// shape errors.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct ActivationTests {
    @Test func leakyReluValues() throws {
        let x = Tensor([-2, -0.5, 0, 1.5])
        expectValues(x.leakyRelu(negativeSlope: 0.1), shape: [4], [-0.2, -0.05, 0, 1.5])
        expectValues(x.leakyRelu(), shape: [4], [-0.02, -0.005, 0, 1.5])
    }

    @Test func eluValues() throws {
        let x = Tensor([-1, 0, 2])
        expectValues(x.elu(alpha: 2), shape: [3], [2 * (0.36787944 - 1), 0, 2])
    }

    @Test func preluValuesPerChannelAndShared() throws {
        let x = try Tensor(shape: [1, 2, 2], scalars: [-1, 2, -3, 4])
        expectValues(try x.prelu(weight: Tensor([0.5, 0.25])), shape: [1, 2, 2], [-0.5, 2, -0.75, 4])
        expectValues(try x.prelu(weight: Tensor([0.1])), shape: [1, 2, 2], [-0.1, 2, -0.3, 4])
    }

    @Test func gradients() throws {
        let x = try kinkFreeTensor([2, 3, 4])
        try expectGradients([x], "leakyRelu") { $0[0].leakyRelu(negativeSlope: 0.2) }
        try expectGradients([x], "elu") { $0[0].elu(alpha: 1.5) }
        try expectGradients([x, Tensor([0.3, -0.2, 0.1])], "prelu per channel") { try $0[0].prelu(weight: $0[1]) }
        try expectGradients([x, Tensor([0.25])], "prelu shared") { try $0[0].prelu(weight: $0[1]) }
        try expectGradients([x], "sigmoid") { $0[0].sigmoid() }
        try expectGradients([x], "tanh") { $0[0].tanh() }
        try expectGradients([x], "softmax axis 1") { try $0[0].softmax(alongAxis: 1) }
    }

    @Test func preluRejectsAWrongSlopeCount() throws {
        let x = try Tensor.zeros([2, 3, 4])
        let message = errorDescription { try x.prelu(weight: Tensor([1, 2])) }
        #expect(message?.contains("prelu") == true && message?.contains("[2, 3, 4]") == true)
        _ = errorDescription { try Tensor([1, 2]).prelu(weight: Tensor([1, 2])) }
    }
}
