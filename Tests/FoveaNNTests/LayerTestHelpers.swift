// Shared helpers for the layer tests: random inputs, value and gradient expectations, and the
// description of an expected error.

import FoveaNN
import Testing
import _FoveaTestSupport

/// Uniform random values in `lower..<upper`, fixed by `seed`.
func randomTensor(_ shape: [Int], _ lower: Float = -1, _ upper: Float = 1, seed: UInt64 = 7) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try Tensor.randomUniform(shape, lower: lower, upper: upper, using: &generator)
}

/// Asserts `a` has `shape` and elements within `tolerance` of `expected`.
func expectTensor(_ a: Tensor, shape: [Int], _ expected: [Float], tolerance: Float = 1e-5,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.shape == shape, sourceLocation: sourceLocation)
    #expect(allClose(a.scalars, expected, relative: tolerance, absolute: tolerance),
            "got \(a.scalars), expected \(expected)", sourceLocation: sourceLocation)
}

/// Runs the finite-difference gradient check and records an issue per failing input.
func expectLayerGradients(
    _ inputs: [Tensor], checker: GradientChecker = GradientChecker(), _ label: String = "",
    sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) throws -> Tensor
) throws {
    let report = try checker.check(inputs, function)
    #expect(report.passed, "\(label)\n\(report)", sourceLocation: sourceLocation)
}

/// The description of the `TensorError` that `body` throws (nil, with an issue, when none).
func thrownDescription<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> String? {
    let error = #expect(throws: TensorError.self, sourceLocation: sourceLocation) { _ = try body() }
    return error?.description
}
