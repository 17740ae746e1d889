// The input region one unit of a layer sees, from a summary row's analytic receptive field:
// along each spatial dimension the unit at position u covers input pixels
// start + u·jump … start + u·jump + receptiveField − 1 (Araujo et al., 2019; see ModelSummary.swift).

extension SummaryRow {
    /// The input pixels that output unit `unit` (one position per spatial dimension, e.g. `[y, x]`) of this
    /// row's layer depends on, per dimension; the ranges may reach outside the input (into padding).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` when the row has no finite field (after a
    ///   global layer) or `unit` has the wrong length or lies outside the output.
    public func inputRegion(unit: [Int]) throws -> [ClosedRange<Int>] {
        guard let field = receptiveField, let jump, let start else {
            throw TensorError.invalidArgument(operation: "receptive field", reason: "layer '\(name)' (\(type)) sees the whole input; choose an earlier layer")
        }
        let spatial = Array(outputShape.dropFirst(2))
        guard unit.count == field.count, spatial.count == field.count else {
            throw TensorError.invalidArgument(operation: "receptive field", reason: "unit \(unit) needs \(field.count) coordinates for layer '\(name)' with output \(outputShape)")
        }
        for (d, u) in unit.enumerated() where !(0..<spatial[d]).contains(u) {
            throw TensorError.invalidArgument(operation: "receptive field", reason: "unit \(unit) is outside layer '\(name)''s output \(spatial) (coordinate \(d) must be in 0..<\(spatial[d]))")
        }
        return unit.indices.map { d in (start[d] + unit[d] * jump[d]) ... (start[d] + unit[d] * jump[d] + field[d] - 1) }
    }
}
