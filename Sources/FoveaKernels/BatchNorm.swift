// Batch normalisation over [N, C, S] (Ioffe & Szegedy 2015; PyTorch's BatchNorm1d/2d/3d):
// per-channel statistics, the normalising affine map, and its gradient.
// N batch, C channels, S spatial positions per channel (trailing dimensions flattened), m = N·S
//
//   mean_c = Σ x / m,  var_c = Σ (x − mean_c)² / m (biased),  x̂ = (x − mean_c)·invStd_c,
//   invStd_c = 1/√(var_c + ε),  y = w_c·x̂ + b_c
// Backward with batch statistics (they depend on x):
//   dx = w_c·invStd_c·(dy − (Σdy + x̂·Σdy·x̂)/m),  dw_c += Σ dy·x̂,  db_c += Σ dy
// and with fixed (running) statistics dx = w_c·invStd_c·dy.
// The fast kernels split channels across threads and take each statistic in one pass over the
// data (sums in Double, shifted by the channel's first value against cancellation); the naive
// twins below are the two-pass textbook definitions.

/// Per-channel mean and biased variance of `input [N, C, S]`, in one pass.
/// - Parameters:
///   - mean, variance: `[C]`, overwritten.
public func batchNormStatistics(
    mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    batch: Int, channels: Int, spatial: Int
) {
    let m = Double(batch * spatial)
    forEachChannel(channels, work: batch * spatial) { c in
        guard batch * spatial > 0 else { mean[c] = .nan; variance[c] = .nan; return }
        let shift = Double(input[c * spatial])
        var sum = 0.0, sumOfSquares = 0.0
        for n in 0..<batch {
            let x = input + (n * channels + c) * spatial
            var blockSum: Float = 0, blockSquares: Float = 0
            // Float accumulation inside one block of S values, Double across blocks.
            var i = 0
            while i < spatial {
                let end = Swift.min(spatial, i + 256)
                blockSum = 0; blockSquares = 0
                let s = Float(shift)
                while i < end { let d = x[i] - s; blockSum += d; blockSquares += d * d; i += 1 }
                sum += Double(blockSum); sumOfSquares += Double(blockSquares)
            }
        }
        let shiftedMean = sum / m
        mean[c] = Float(shift + shiftedMean)
        variance[c] = Float(Swift.max(0, sumOfSquares / m - shiftedMean * shiftedMean))
    }
}

/// `output = (input − mean_c)·inverseStd_c·weight_c + bias_c` (weight 1 and bias 0 when nil).
/// - Parameters:
///   - output, input: `[N, C, S]`; output is overwritten and may be `input`.
///   - mean, inverseStd, weight, bias: `[C]`.
public func batchNormNormalize(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, mean: UnsafePointer<Float>,
    inverseStd: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    batch: Int, channels: Int, spatial: Int
) {
    forEachChannel(channels, work: batch * spatial) { c in
        let scale = inverseStd[c] * (weight?[c] ?? 1)
        let shift = (bias?[c] ?? 0) - mean[c] * scale
        for n in 0..<batch {
            let offset = (n * channels + c) * spatial
            let x = input + offset, y = output + offset
            for i in 0..<spatial { y[i] = x[i] * scale + shift }
        }
    }
}

/// Gradient of ``batchNormNormalize(output:input:mean:inverseStd:weight:bias:batch:channels:spatial:)``;
/// with `batchStatistics`, `mean` and `inverseStd` are taken as the batch's own (functions of the
/// input), otherwise as constants. Accumulates (`+=`) into each gradient that is not nil.
public func batchNormBackward(
    dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
    dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, mean: UnsafePointer<Float>,
    inverseStd: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
    batch: Int, channels: Int, spatial: Int, batchStatistics: Bool
) {
    let m = Float(batch * spatial)
    forEachChannel(channels, work: 2 * batch * spatial) { c in
        let mu = mean[c], invStd = inverseStd[c]
        var sumDy = 0.0, sumDyXhat = 0.0
        for n in 0..<batch {
            let offset = (n * channels + c) * spatial
            let x = input + offset, dy = dOutput + offset
            var blockDy: Float = 0, blockDyXhat: Float = 0
            for i in 0..<spatial { blockDy += dy[i]; blockDyXhat += dy[i] * (x[i] - mu) }
            sumDy += Double(blockDy); sumDyXhat += Double(blockDyXhat)
        }
        let dyXhat = Float(sumDyXhat) * invStd, dySum = Float(sumDy)
        dWeight?[c] += dyXhat
        dBias?[c] += dySum
        guard let dInput else { return }
        let scale = (weight?[c] ?? 1) * invStd
        let meanDy = batchStatistics ? dySum / m : 0, meanDyXhat = batchStatistics ? dyXhat / m : 0
        for n in 0..<batch {
            let offset = (n * channels + c) * spatial
            let x = input + offset, dy = dOutput + offset, dx = dInput + offset
            for i in 0..<spatial {
                let xhat = (x[i] - mu) * invStd
                dx[i] += scale * (dy[i] - meanDy - xhat * meanDyXhat)
            }
        }
    }
}

// MARK: - Naive twins

/// Reference twin of ``batchNormStatistics(mean:variance:input:batch:channels:spatial:)``: two
/// passes per channel, summing in Double element by element.
public func batchNormStatisticsNaive(
    mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    batch: Int, channels: Int, spatial: Int
) {
    let m = Double(batch * spatial)
    for c in 0..<channels {
        var sum = 0.0
        for n in 0..<batch { for i in 0..<spatial { sum += Double(input[(n * channels + c) * spatial + i]) } }
        let mu = sum / m
        var squares = 0.0
        for n in 0..<batch {
            for i in 0..<spatial {
                let d = Double(input[(n * channels + c) * spatial + i]) - mu
                squares += d * d
            }
        }
        mean[c] = Float(mu)
        variance[c] = Float(squares / m)
    }
}

/// Reference twin of ``batchNormNormalize(output:input:mean:inverseStd:weight:bias:batch:channels:spatial:)``.
public func batchNormNormalizeNaive(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, mean: UnsafePointer<Float>,
    inverseStd: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    batch: Int, channels: Int, spatial: Int
) {
    for n in 0..<batch {
        for c in 0..<channels {
            for i in 0..<spatial {
                let index = (n * channels + c) * spatial + i
                output[index] = (input[index] - mean[c]) * inverseStd[c] * (weight?[c] ?? 1) + (bias?[c] ?? 0)
            }
        }
    }
}

/// Reference twin of ``batchNormBackward(dInput:dWeight:dBias:dOutput:input:mean:inverseStd:weight:batch:channels:spatial:batchStatistics:)``:
/// the formula of the file header, element by element, sums in Double. Accumulates (`+=`).
public func batchNormBackwardNaive(
    dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
    dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, mean: UnsafePointer<Float>,
    inverseStd: UnsafePointer<Float>, weight: UnsafePointer<Float>?,
    batch: Int, channels: Int, spatial: Int, batchStatistics: Bool
) {
    let m = Double(batch * spatial)
    for c in 0..<channels {
        var sumDy = 0.0, sumDyXhat = 0.0
        for n in 0..<batch {
            for i in 0..<spatial {
                let index = (n * channels + c) * spatial + i
                sumDy += Double(dOutput[index])
                sumDyXhat += Double(dOutput[index]) * Double(input[index] - mean[c]) * Double(inverseStd[c])
            }
        }
        dWeight?[c] += Float(sumDyXhat)
        dBias?[c] += Float(sumDy)
        for n in 0..<batch {
            for i in 0..<spatial {
                let index = (n * channels + c) * spatial + i
                let xhat = Double(input[index] - mean[c]) * Double(inverseStd[c])
                var g = Double(dOutput[index])
                if batchStatistics { g -= (sumDy + xhat * sumDyXhat) / m }
                dInput?[index] += Float(Double(weight?[c] ?? 1) * Double(inverseStd[c]) * g)
            }
        }
    }
}

/// Runs `body(c)` for every channel, channels split across threads (`work` values per channel).
private func forEachChannel(_ channels: Int, work: Int, _ body: (Int) -> Void) {
    Parallel.forRanges(channels, grain: Swift.max(1, (1 << 15) / Swift.max(1, work))) { range in
        for c in range { body(c) }
    }
}
