// Maxout (Goodfellow et al. 2013): the maximum over groups of k consecutive channels. Following a
// linear or convolutional layer with k·C outputs, it gives C units, each the max of k learned
// pieces — a learned convex piecewise-linear activation, and a way to learn invariances (a unit
// over filters for several rotations of a pattern responds to every one of them).

extension Tensor {
    /// Maxout over channel groups: `[N, k·C, …]` → `[N, C, …]`, output channel `j` being the
    /// maximum of input channels `j·k ..< (j + 1)·k`. The gradient flows to the first maximal piece.
    /// - Throws: ``TensorError`` when the input has rank below 2, `pieces` is below 1, or it does
    ///   not divide the channel count.
    public func maxout(pieces k: Int) throws -> Tensor {
        guard rank >= 2 else {
            throw TensorError.invalidArgument(operation: "maxout", reason: "input of shape \(shape) is not [N, C, …]")
        }
        guard k >= 1, shape[1] % k == 0 else {
            throw TensorError.invalidArgument(operation: "maxout", reason: "\(k) pieces must be positive and divide the \(shape[1]) channels of input \(shape)")
        }
        let grouped = [shape[0], shape[1] / k, k] + Array(shape[2...])
        return try reshaped(to: grouped).max(alongAxis: 2)
    }
}
