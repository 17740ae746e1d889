// Finite-difference gradient checks for broadcasting arithmetic, scalar arithmetic, negation,
// maximum/minimum and broadcast(to:).

import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct ArithmeticGradientTests {
    /// The right-hand shapes every binary op is checked against a [2, 3, 4] left-hand side with.
    static let rightShapes: [[Int]] = [[2, 3, 4], [3, 1], [4], [], [1, 3, 1]]

    @Test(arguments: rightShapes) func add(rhs: [Int]) throws {
        try expectGradients([try uniform([2, 3, 4], seed: 1), try uniform(rhs, seed: 2)], "rhs \(rhs)") { try $0[0] + $0[1] }
        try expectGradients([try uniform(rhs, seed: 2), try uniform([2, 3, 4], seed: 1)], "lhs \(rhs)") { try $0[0] + $0[1] }
    }

    @Test(arguments: rightShapes) func subtract(rhs: [Int]) throws {
        try expectGradients([try uniform([2, 3, 4], seed: 1), try uniform(rhs, seed: 2)], "rhs \(rhs)") { try $0[0] - $0[1] }
        try expectGradients([try uniform(rhs, seed: 2), try uniform([2, 3, 4], seed: 1)], "lhs \(rhs)") { try $0[0] - $0[1] }
    }

    @Test(arguments: rightShapes) func multiply(rhs: [Int]) throws {
        try expectGradients([try uniform([2, 3, 4], seed: 1), try uniform(rhs, seed: 2)], "rhs \(rhs)") { try $0[0] * $0[1] }
        try expectGradients([try uniform(rhs, seed: 2), try uniform([2, 3, 4], seed: 1)], "lhs \(rhs)") { try $0[0] * $0[1] }
    }

    @Test(arguments: rightShapes) func divide(rhs: [Int]) throws {
        // Denominators in [0.5, 1.5]: far from the pole at 0.
        try expectGradients([try uniform([2, 3, 4], seed: 1), try uniform(rhs, 0.5, 1.5, seed: 2)], "rhs \(rhs)") { try $0[0] / $0[1] }
        try expectGradients([try uniform(rhs, seed: 2), try uniform([2, 3, 4], 0.5, 1.5, seed: 1)], "lhs \(rhs)") { try $0[0] / $0[1] }
    }

    @Test func bothSidesBroadcast() throws {
        // [2, 1, 3] against [4, 1, 1, 1] → [4, 2, 1, 3]: each side is summed over the other's axes.
        let inputs = [try uniform([2, 1, 3], 0.5, 1.5, seed: 1), try uniform([4, 1, 1, 1], 0.5, 1.5, seed: 2)]
        try expectGradients(inputs, "add") { try $0[0] + $0[1] }
        try expectGradients(inputs, "multiply") { try $0[0] * $0[1] }
        try expectGradients(inputs, "divide") { try $0[0] / $0[1] }
        try expectGradients([try uniform([3, 1], seed: 3), try uniform([1, 4], seed: 4)], "subtract") { try $0[0] - $0[1] }
    }

    @Test func scalarOnTheRight() throws {
        let x = try uniform([2, 3], 0.5, 1.5)
        try expectGradients([x], "x + s") { $0[0] + 2.5 }
        try expectGradients([x], "x - s") { $0[0] - 2.5 }
        try expectGradients([x], "x * s") { $0[0] * -1.5 }
        try expectGradients([x], "x / s") { $0[0] / 0.75 }
    }

    @Test func scalarOnTheLeft() throws {
        let x = try uniform([2, 3], 0.5, 1.5)
        try expectGradients([x], "s + x") { 2.5 + $0[0] }
        try expectGradients([x], "s - x") { 2.5 - $0[0] }
        try expectGradients([x], "s * x") { -1.5 * $0[0] }
        try expectGradients([x], "s / x") { 0.75 / $0[0] }
    }

    @Test func scalarOpsOnARankZeroTensor() throws {
        try expectGradients([Tensor(scalar: 0.7)]) { ((3 * $0[0]) - 1) / 2 }
    }

    @Test func negation() throws {
        try expectGradients([try uniform([3, 4])]) { -$0[0] }
    }

    @Test(arguments: [[2, 3, 4], [3, 1], [4], []] as [[Int]]) func maximumAndMinimum(rhs: [Int]) throws {
        // Distinct values: no ties, so each output has one well-defined source.
        let inputs = try kinkFreeTensors([[2, 3, 4], rhs])
        try expectGradients(inputs, "maximum, rhs \(rhs)") { try Tensor.maximum($0[0], $0[1]) }
        try expectGradients(inputs, "minimum, rhs \(rhs)") { try Tensor.minimum($0[0], $0[1]) }
        try expectGradients(inputs.reversed(), "maximum, lhs \(rhs)") { try Tensor.maximum($0[0], $0[1]) }
        try expectGradients(inputs.reversed(), "minimum, lhs \(rhs)") { try Tensor.minimum($0[0], $0[1]) }
    }

    @Test func maximumSendsTheGradientOfATieToTheLeftOperand() throws {
        let a = try Tensor(shape: [3], scalars: [1, 2, 3]).requiringGradient()
        let b = try Tensor(shape: [3], scalars: [1, 5, 0]).requiringGradient()
        try Tensor.maximum(a, b).sum().backward()
        #expect(a.gradient?.scalars == [1, 0, 1])
        #expect(b.gradient?.scalars == [0, 1, 0])
    }

    @Test(arguments: [[4], [3, 1], [1, 4], [1, 1, 1], [], [2, 3, 4]] as [[Int]]) func broadcastTo(source: [Int]) throws {
        try expectGradients([try uniform(source)], "source \(source)") { try $0[0].broadcast(to: [2, 3, 4]) }
    }

    @Test func sameTensorOnBothSides() throws {
        let x = try uniform([2, 3], 0.5, 1.5)
        try expectGradients([x], "x * x") { try $0[0] * $0[0] }
        try expectGradients([x], "x / x + x") { try ($0[0] / $0[0]) + $0[0] }
        try expectGradients([x], "x - x * 2") { try $0[0] - ($0[0] * 2) }
    }
}
