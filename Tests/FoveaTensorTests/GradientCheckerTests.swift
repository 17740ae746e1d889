// The gradient checker itself: it must pass correct gradients and catch wrong ones, naming the
// input and element.

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct GradientCheckerTests {
    @Test func catchesAWrongGradient() throws {
        // x · stop(x) has the analytic gradient stop(x) = x, but its numeric derivative is 2x.
        let x = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let report = try GradientChecker().check([x]) { try $0[0] * $0[0].detached() }
        #expect(!report.passed)
        #expect(report.inputs[0].worstPosition != nil)
        #expect(report.description.contains("input 0 [2, 2]") && report.description.contains("FAILED"), "\(report)")
    }

    @Test func namesTheFailingInputAndElement() throws {
        // Only element [1, 0] of the second input is wrong: it is used twice, once cut off.
        let a = try uniform([2, 2], seed: 1), b = try uniform([2, 2], 1, 2, seed: 2)
        let report = try GradientChecker().check([a, b]) { t in
            let mask = try Tensor(shape: [2, 2], scalars: [0, 0, 1, 0])
            return try (t[0] + t[1]) + ((t[1] * mask).detached() * t[1])
        }
        #expect(report.inputs[0].passed)
        #expect(!report.inputs[1].passed)
        #expect(report.inputs[1].worstElement == 2)
        #expect(report.inputs[1].worstPosition == [1, 0])
    }

    @Test func passesACorrectCompositeAndReportsSmallErrors() throws {
        let inputs = [try uniform([3, 4], seed: 1), try uniform([4, 2], seed: 2)]
        let report = try GradientChecker().check(inputs) { try $0[0].matmul($0[1]).tanh().softmax() }
        #expect(report.passed, "\(report)")
        #expect(report.maxError < 1e-3)
        #expect(report.inputs.map(\.checked) == [12, 8])
    }

    @Test func unusedInputsHaveZeroGradient() throws {
        let report = try GradientChecker().check([try uniform([2]), try uniform([3])]) { $0[0].exp() }
        #expect(report.passed, "\(report)")
    }

    @Test func kinkFreeTensorsKeepTheirDistance() throws {
        let tensors = try kinkFreeTensors([[3, 4], [5], []], margin: 0.1)
        #expect(tensors.map(\.shape) == [[3, 4], [5], []])
        let values = tensors.flatMap(\.scalars).sorted()
        #expect(values.allSatisfy { Swift.abs($0) >= 0.1 - 1e-6 && Swift.abs($0) <= 2 + 1e-6 })
        let spacing = (2 - 0.1) / Float(values.count - 1)
        for (low, high) in zip(values, values.dropFirst()) { #expect(high - low >= spacing - 1e-5) }
        #expect(values.contains { $0 < 0 } && values.contains { $0 > 0 })
    }
}
