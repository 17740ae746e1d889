// True convolution, as the course defines it: s(i) = Σ_m x(m)·k(i − m) — cross-correlation with
// the kernel flipped along every spatial axis. Unlike cross-correlation it commutes (x∗k = k∗x
// with full padding), which the tests show.

extension Tensor {
    /// True (flipped-kernel) convolution of `[N, C, *spatial]` with `kernel [K, C/groups, *k]`:
    /// cross-correlation with the kernel reversed along its spatial axes. Same output-size rule,
    /// padding, stride and dilation as ``convolution(weight:bias:stride:padding:dilation:groups:fusingReLU:)``.
    /// - Throws: as `convolution`.
    public func convolved(with kernel: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: Padding = .valid,
                          dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        guard kernel.rank >= 3 else {
            throw TensorError.invalidArgument(operation: "convolve", reason: "kernel of shape \(kernel.shape) is not [K, C/groups, *spatial]")
        }
        let flippedKernel = try kernel.flipped(axes: Array(2..<kernel.rank))
        return try crossCorrelation(weight: flippedKernel, bias: bias, stride: stride, padding: padding, dilation: dilation,
                                    groups: groups, operation: "convolve")
    }
}
