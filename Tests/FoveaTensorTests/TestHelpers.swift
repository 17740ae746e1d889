// Shared helpers for the tensor tests: random inputs and a gradient-check expectation that
// names the input and element when it fails.

import FoveaTensor
import Testing
import _FoveaTestSupport

/// Uniform random values in `lower..<upper`, fixed by `seed`.
func uniform(_ shape: [Int], _ lower: Float = -1, _ upper: Float = 1, seed: UInt64 = 7) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try Tensor.randomUniform(shape, lower: lower, upper: upper, using: &generator)
}

/// Runs the finite-difference gradient check of `function` at `inputs` and records an issue per
/// failing input (naming its worst element).
func expectGradients(
    _ inputs: [Tensor], checker: GradientChecker = GradientChecker(), _ label: String = "",
    sourceLocation: SourceLocation = #_sourceLocation,
    _ function: ([Tensor]) throws -> Tensor
) throws {
    let report = try checker.check(inputs, function)
    #expect(report.passed, "\(label)\n\(report)", sourceLocation: sourceLocation)
    #expect(report.inputs.allSatisfy { $0.checked > 0 || $0.shape.reduce(1, *) == 0 }, "nothing was checked: \(report)",
            sourceLocation: sourceLocation)
}

/// Asserts `a` has `shape` and elements within `tolerance` of `expected`.
func expectValues(_ a: Tensor, shape: [Int], _ expected: [Float], tolerance: Float = 1e-5,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.shape == shape, sourceLocation: sourceLocation)
    #expect(allClose(a.scalars, expected, relative: tolerance, absolute: tolerance),
            "got \(a.scalars), expected \(expected)", sourceLocation: sourceLocation)
}

/// The description of the `TensorError` `body` throws (nil, with an issue, when it throws none).
func errorDescription<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> String? {
    let error = #expect(throws: TensorError.self, sourceLocation: sourceLocation) { _ = try body() }
    return error?.description
}
