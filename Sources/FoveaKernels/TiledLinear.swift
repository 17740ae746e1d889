// The core of locally connected and tiled convolution: every output position applies its own
// weight matrix (one of T tiles) to its column of an unfolded input.
// N batch, R column rows (C·∏kernel), L output positions, K output channels, T tiles
//   y[n, k, l] = Σ_r W[τ(l), k, r] · col[n, r, l] + b[τ(l), k]

/// Forward pass: overwrites `output` `[N, K, L]` from `columns` `[N, R, L]`, `weight` `[T, K, R]`,
/// optional `bias` `[T, K]`, and `tileOf` (L entries in `0..<T`).
public func tiledLinearForward(output: UnsafeMutablePointer<Float>, columns: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, tileOf: UnsafePointer<Int32>, batch N: Int, rows R: Int,
                               positions L: Int, outputChannels K: Int) {
    Parallel.forRanges(N * L, grain: max(1, (1 << 14) / max(1, K * R))) { range in
        var column = [Float](repeating: 0, count: R)
        for nl in range {
            let n = nl / L, l = nl % L, t = Int(tileOf[l])
            for r in 0..<R { column[r] = columns[(n * R + r) * L + l] }
            for k in 0..<K {
                let w = weight + (t * K + k) * R
                var sum = bias?[t * K + k] ?? 0
                for r in 0..<R { sum += w[r] * column[r] }
                output[(n * K + k) * L + l] = sum
            }
        }
    }
}

/// Backward pass; each non-nil gradient accumulates (`+=`). `dColumns` `[N, R, L]`,
/// `dWeight` `[T, K, R]`, `dBias` `[T, K]`.
public func tiledLinearBackward(dColumns: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
                                dBias: UnsafeMutablePointer<Float>?, dOutput: UnsafePointer<Float>, columns: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>, tileOf: UnsafePointer<Int32>, batch N: Int, rows R: Int,
                                positions L: Int, outputChannels K: Int) {
    // Serial over (n, l): weight gradients of one tile are shared by many positions.
    for n in 0..<N {
        for l in 0..<L {
            let t = Int(tileOf[l])
            for k in 0..<K {
                let d = dOutput[(n * K + k) * L + l]
                if d == 0 { continue }
                dBias?[t * K + k] += d
                let w = weight + (t * K + k) * R
                if let dWeight {
                    let dw = dWeight + (t * K + k) * R
                    for r in 0..<R { dw[r] += d * columns[(n * R + r) * L + l] }
                }
                if let dColumns {
                    for r in 0..<R { dColumns[(n * R + r) * L + l] += d * w[r] }
                }
            }
        }
    }
}
