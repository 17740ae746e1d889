// Tiled convolution (Goodfellow et al. §9.5, Fig. 9.16) and its limit, locally connected
// ("unshared") convolution: kernels are shared only between output positions t apart. With one
// tile per dimension it is ordinary convolution; with as many tiles as output positions every
// position has its own kernel.
// N batch, C input channels, K output channels, T tiles, R = C·∏kernel, L output positions

import FoveaKernels

extension Tensor {
    /// Convolution of `[N, C, *spatial]` (1 to 3 spatial dimensions) where output position `p`
    /// uses kernel number `τ(p)`, `τ` cycling through `tiles[d]` kernels along each dimension d.
    ///
    /// - Parameters:
    ///   - weight: `[T, K, C·∏kernelSize]`, `T = ∏tiles`; kernel `t` row-major over the tile grid.
    ///   - bias: `[T, K]` or nil.
    ///   - tiles: kernels per spatial dimension, each in `1...out[d]`.
    /// Output `[N, K, *out]` with the convolution output-size rule.
    /// - Throws: ``TensorError`` naming the shapes or values that do not fit.
    public func tiledConvolution(weight: Tensor, bias: Tensor? = nil, kernelSize: [Int], tiles: [Int], stride: [Int] = [1],
                                 padding: Padding = .valid, dilation: [Int] = [1]) throws -> Tensor {
        let op = "tiledConvolution"
        guard (3...5).contains(rank) else {
            throw TensorError.invalidArgument(operation: op, reason: "input \(shape) is not [N, C] followed by 1 to 3 spatial dimensions")
        }
        let dims = rank - 2
        let g = try Tensor.unfoldGeometry(batch: shape[0], channels: shape[1], spatial: Array(shape[2...]), kernelSize: kernelSize,
                                          stride: stride, padding: padding, dilation: dilation, operation: op)
        let out = g.outputSize
        let t = try Tensor.spread(tiles, dims, name: "tiles", operation: op)
        if let d = (0..<dims).first(where: { t[$0] > out[$0] }) {
            throw TensorError.invalidArgument(operation: op, reason: "\(t[d]) tiles along dimension \(d) exceed its \(out[d]) output positions")
        }
        let tileCount = t.reduce(1, *), rows = g.columnRows
        guard weight.rank == 3, weight.shape[0] == tileCount, weight.shape[2] == rows else {
            throw TensorError.shapeMismatch(operation: op, shape, weight.shape, reason: "weight must be [\(tileCount) tiles, K, \(rows) = C·∏kernel]")
        }
        let K = weight.shape[1]
        if let bias, bias.shape != [tileCount, K] {
            throw TensorError.shapeMismatch(operation: op, weight.shape, bias.shape, reason: "bias must be [\(tileCount), \(K)]")
        }
        let columns = try unfolded(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation)
        let map = Tensor.tileMap(output: out, tiles: t)
        let y = Tensor.tiledLinear(columns, weight: weight, bias: bias, tileOf: map)
        return try y.reshaped(to: [shape[0], K] + out)
    }

    /// The tile of every output position (row-major over the output grid).
    static func tileMap(output: [Int], tiles: [Int]) -> [Int32] {
        let positions = output.reduce(1, *)
        var map = [Int32](repeating: 0, count: positions)
        var index = [Int](repeating: 0, count: output.count)
        for p in 0..<positions {
            var tile = 0
            for d in 0..<output.count { tile = tile * tiles[d] + index[d] % tiles[d] }
            map[p] = Int32(tile)
            var d = output.count - 1
            while d >= 0 { index[d] += 1; if index[d] < output[d] { break }; index[d] = 0; d -= 1 }
        }
        return map
    }

    /// `y[n, k, l] = Σ_r W[τ(l), k, r]·col[n, r, l] + b[τ(l), k]`, recorded.
    static func tiledLinear(_ columns: Tensor, weight: Tensor, bias: Tensor?, tileOf map: [Int32]) -> Tensor {
        let (N, R, L, K) = (columns.shape[0], columns.shape[1], columns.shape[2], weight.shape[1])
        let value = Tensor(uninitializedShape: [N, K, L])
        map.withUnsafeBufferPointer { tiles in
            tiledLinearForward(output: value.storage.pointer, columns: columns.pointer, weight: weight.pointer, bias: bias?.pointer,
                               tileOf: tiles.baseAddress!, batch: N, rows: R, positions: L, outputChannels: K)
        }
        let inputs = bias.map { [columns, weight, $0] } ?? [columns, weight]
        return recording(value, inputs: inputs) { grad, needed in
            let dc = needed[0] ? Tensor(zeroedShape: columns.shape) : nil
            let dw = needed[1] ? Tensor(zeroedShape: weight.shape) : nil
            let db = needed.count > 2 && needed[2] ? Tensor(zeroedShape: [weight.shape[0], K]) : nil
            map.withUnsafeBufferPointer { tiles in
                tiledLinearBackward(dColumns: dc?.storage.pointer, dWeight: dw?.storage.pointer, dBias: db?.storage.pointer,
                                    dOutput: grad.pointer, columns: columns.pointer, weight: weight.pointer, tileOf: tiles.baseAddress!,
                                    batch: N, rows: R, positions: L, outputChannels: K)
            }
            return Array([dc, dw, db].prefix(inputs.count))
        }
    }
}
