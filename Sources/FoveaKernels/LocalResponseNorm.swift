// Cross-channel local response normalisation (AlexNet §3.3, GoogLeNet), forward and backward.
// N batch, C channels, HW spatial positions per channel (any trailing dimensions flattened), n window size
//
// PyTorch's LocalResponseNorm: with the window of channel c being c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋
// (clipped to the channels that exist; missing channels count as zero),
//   scale[c] = k + (α / n) · Σ_{c' in window(c)} x[c']²,    y[c] = x[c] · scale[c]^(−β)
//   dx[i]   += dy[i] · scale[i]^(−β) − (2αβ / n) · x[i] · Σ_{c : i in window(c)} dy[c] · x[c] · scale[c]^(−β−1)
// The fast kernels work a whole channel plane at a time (vectorised across HW) and split
// planes across threads; the naive twins walk one element at a time.

import Foundation

/// The constants of local response normalisation, named as in PyTorch's `LocalResponseNorm`.
public struct LocalResponseNormParameters: Hashable, Sendable {
    /// Number of neighbouring channels in the window, `n` (the channel itself included).
    public var size: Int
    public var alpha: Float
    public var beta: Float
    public var k: Float

    /// AlexNet's values are `size: 5, alpha: 1e-4, beta: 0.75, k: 2`; PyTorch's defaults are
    /// `alpha: 1e-4, beta: 0.75, k: 1`.
    public init(size: Int, alpha: Float = 1e-4, beta: Float = 0.75, k: Float = 1) {
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k
    }

    /// `nil` when usable; otherwise a sentence naming the bad value.
    public var validationFailure: String? {
        size < 1 ? "size must be positive, got \(size)." : nil
    }

    /// The channels in the window of channel `c` of `channels`.
    @inline(__always)
    func window(_ c: Int, channels: Int) -> Range<Int> {
        max(0, c - size / 2)..<min(channels, c + (size - 1) / 2 + 1)
    }
}

/// Local response normalisation across channels of `[N, C, HW]`: `y = x · scale^(−β)`, see the
/// file header for `scale`. Overwrites `output` (which must not be `input`).
public func localResponseNormForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    batch: Int, channels: Int, spatial: Int, parameters lrn: LocalResponseNormParameters
) {
    forEachChannelPlane(batch: batch, channels: channels, spatial: spatial, size: lrn.size) { n, c in
        let y = output + (n * channels + c) * spatial, x = input + (n * channels + c) * spatial
        lrnScale(into: y, input: input + n * channels * spatial, c: c, channels: channels, spatial: spatial, lrn)
        for i in 0..<spatial { y[i] = x[i] * pow(y[i], -lrn.beta) }
    }
}

/// Gradient of ``localResponseNormForward(output:input:batch:channels:spatial:parameters:)``.
/// Accumulates (`+=`) into `dInput`.
public func localResponseNormBackward(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
    batch: Int, channels: Int, spatial: Int, parameters lrn: LocalResponseNormParameters
) {
    let count = batch * channels * spatial
    guard count > 0 else { return }
    Workspace.withBuffer(capacity: 2 * count) { scratch in
        // Pass 1: scale^(−β) per element, and t = dy · x · scale^(−β−1).
        let powered = scratch, t = scratch + count
        forEachChannelPlane(batch: batch, channels: channels, spatial: spatial, size: lrn.size) { n, c in
            let offset = (n * channels + c) * spatial
            let s = powered + offset, ti = t + offset, x = input + offset, dy = dOutput + offset
            lrnScale(into: s, input: input + n * channels * spatial, c: c, channels: channels, spatial: spatial, lrn)
            for i in 0..<spatial {
                let scale = s[i], p = pow(scale, -lrn.beta)
                s[i] = p
                ti[i] = dy[i] * x[i] * p / scale
            }
        }
        // Pass 2: channel i gathers t over every window that contains it.
        let factor = 2 * lrn.alpha * lrn.beta / Float(lrn.size)
        forEachChannelPlane(batch: batch, channels: channels, spatial: spatial, size: lrn.size) { n, i in
            let offset = (n * channels + i) * spatial
            let dx = dInput + offset, dy = dOutput + offset, x = input + offset, s = powered + offset
            let first = max(0, i - (lrn.size - 1) / 2), last = min(channels - 1, i + lrn.size / 2)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: spatial) { buffer in
                let gathered = buffer.baseAddress!
                gathered.update(repeating: 0, count: spatial)
                for c in first...last {
                    let tc = t + (n * channels + c) * spatial
                    for j in 0..<spatial { gathered[j] += tc[j] }
                }
                for j in 0..<spatial { dx[j] += dy[j] * s[j] - factor * x[j] * gathered[j] }
            }
        }
    }
}

/// Reference twin of ``localResponseNormForward(output:input:batch:channels:spatial:parameters:)``.
public func localResponseNormForwardNaive(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    batch: Int, channels: Int, spatial: Int, parameters lrn: LocalResponseNormParameters
) {
    for n in 0..<batch {
        for c in 0..<channels {
            for i in 0..<spatial {
                let index = (n * channels + c) * spatial + i
                output[index] = input[index] * pow(naiveScale(input, n, c, i, channels, spatial, lrn), -lrn.beta)
            }
        }
    }
}

/// Reference twin of ``localResponseNormBackward(dInput:dOutput:input:batch:channels:spatial:parameters:)``.
/// Accumulates (`+=`).
public func localResponseNormBackwardNaive(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
    batch: Int, channels: Int, spatial: Int, parameters lrn: LocalResponseNormParameters
) {
    let factor = 2 * lrn.alpha * lrn.beta / Float(lrn.size)
    for n in 0..<batch {
        for i in 0..<channels {
            for j in 0..<spatial {
                let index = (n * channels + i) * spatial + j
                var gathered: Float = 0
                for c in 0..<channels where lrn.window(c, channels: channels).contains(i) {
                    let other = (n * channels + c) * spatial + j
                    let scale = naiveScale(input, n, c, j, channels, spatial, lrn)
                    gathered += dOutput[other] * input[other] * pow(scale, -lrn.beta - 1)
                }
                let scale = naiveScale(input, n, i, j, channels, spatial, lrn)
                dInput[index] += dOutput[index] * pow(scale, -lrn.beta) - factor * input[index] * gathered
            }
        }
    }
}

// MARK: - Helpers

/// `scale[c] = k + α/n · Σ x[c']²` for one channel plane of one image (`image` is `[C, HW]`).
@inline(__always)
private func lrnScale(
    into scale: UnsafeMutablePointer<Float>, input image: UnsafePointer<Float>, c: Int, channels: Int,
    spatial: Int, _ lrn: LocalResponseNormParameters
) {
    scale.update(repeating: 0, count: spatial)
    for other in lrn.window(c, channels: channels) {
        let x = image + other * spatial
        for i in 0..<spatial { scale[i] += x[i] * x[i] }
    }
    let a = lrn.alpha / Float(lrn.size)
    for i in 0..<spatial { scale[i] = lrn.k + a * scale[i] }
}

private func naiveScale(
    _ input: UnsafePointer<Float>, _ n: Int, _ c: Int, _ i: Int, _ channels: Int, _ spatial: Int,
    _ lrn: LocalResponseNormParameters
) -> Float {
    var sum: Float = 0
    for other in lrn.window(c, channels: channels) {
        let x = input[(n * channels + other) * spatial + i]
        sum += x * x
    }
    return lrn.k + lrn.alpha / Float(lrn.size) * sum
}

/// Runs `body(n, c)` for every channel plane, planes split across threads.
private func forEachChannelPlane(batch: Int, channels: Int, spatial: Int, size: Int, _ body: (Int, Int) -> Void) {
    let planes = batch * channels
    Parallel.forRanges(planes, grain: max(1, (1 << 15) / max(1, spatial * size))) { range in
        for plane in range { body(plane / channels, plane % channels) }
    }
}
