// Max unpooling: the partial inverse of max pooling that puts each pooled value back where its
// maximum came from (Zeiler & Fergus's "switches"; PyTorch's MaxUnpool2d), and its gradient.
// planes = N·C images; I input (pooled) positions and O output (unpooled) positions per plane.
// A scatter and a gather are one loop each: these kernels are their own reference.

/// Scatters `input [planes, I]` into `output [planes, O]` at `indices [planes, I]` (flat positions
/// inside each output plane, as ``maxPool2dForward(output:argmax:input:geometry:)`` writes them).
/// Zeroes `output` first; an index below 0 is skipped; when two inputs share an index the later wins.
/// - Precondition: every index is below `outputPlaneSize` (callers validate).
public func maxUnpoolForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
                             planes: Int, inputPlaneSize: Int, outputPlaneSize: Int) {
    output.update(repeating: 0, count: planes * outputPlaneSize)
    Parallel.forRanges(planes, grain: Swift.max(1, (1 << 15) / Swift.max(1, outputPlaneSize))) { range in
        for plane in range {
            let x = input + plane * inputPlaneSize, y = output + plane * outputPlaneSize, idx = indices + plane * inputPlaneSize
            for i in 0..<inputPlaneSize where idx[i] >= 0 { y[Int(idx[i])] = x[i] }
        }
    }
}

/// Gradient of ``maxUnpoolForward(output:input:indices:planes:inputPlaneSize:outputPlaneSize:)``:
/// `dInput[i] += dOutput[plane][indices[i]]`. Accumulates (`+=`).
public func maxUnpoolBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
                              planes: Int, inputPlaneSize: Int, outputPlaneSize: Int) {
    Parallel.forRanges(planes, grain: Swift.max(1, (1 << 15) / Swift.max(1, outputPlaneSize))) { range in
        for plane in range {
            let dx = dInput + plane * inputPlaneSize, dy = dOutput + plane * outputPlaneSize, idx = indices + plane * inputPlaneSize
            for i in 0..<inputPlaneSize where idx[i] >= 0 { dx[i] += dy[Int(idx[i])] }
        }
    }
}
