// Softmax and log-softmax over one axis, forward and backward.
// A tensor is viewed as [outer, axis, inner]; each (o, i) column of `axis` values is normalised.
//
// Numerically stable: the column maximum is subtracted before exponentiating, so inputs of 1e4
// stay finite. With inner = 1 each column is a contiguous row; otherwise the rows are processed
// element-wise across `inner` with a small scratch per slab (max and sum per column).

import Foundation

/// `output = exp(x − max) / Σ exp(x − max)` along the axis of an [outer, axis, inner] view.
/// `output` may be `input`. A column containing NaN, or only −∞, gives NaN (as in PyTorch).
public func softmax(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    normalise(output: output, input: input, outer: outer, axis: axis, inner: inner, logarithm: false)
}

/// `output = x − max − log Σ exp(x − max)` along the axis of an [outer, axis, inner] view.
/// `output` may be `input`.
public func logSoftmax(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    normalise(output: output, input: input, outer: outer, axis: axis, inner: inner, logarithm: true)
}

/// Gradient of ``softmax(output:input:outer:axis:inner:)`` given its values `y`:
/// `dInput += y · (dOutput − Σ_axis dOutput·y)`. Accumulates (`+=`).
public func softmaxBackward(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, output: UnsafePointer<Float>,
    outer: Int, axis: Int, inner: Int
) {
    forEachSlab(outer: outer, axis: axis, inner: inner) { o, columns in
        let base = o * axis * inner
        if inner == 1 {
            let y = output + base, dy = dOutput + base, dx = dInput + base
            var dot: Float = 0
            for a in 0..<axis { dot += dy[a] * y[a] }
            for a in 0..<axis { dx[a] += y[a] * (dy[a] - dot) }
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: columns.count) { dots in
            let dot = dots.baseAddress! - columns.lowerBound
            for i in columns { dot[i] = 0 }
            for a in 0..<axis {
                let y = output + base + a * inner, dy = dOutput + base + a * inner
                for i in columns { dot[i] += dy[i] * y[i] }
            }
            for a in 0..<axis {
                let y = output + base + a * inner, dy = dOutput + base + a * inner
                let dx = dInput + base + a * inner
                for i in columns { dx[i] += y[i] * (dy[i] - dot[i]) }
            }
        }
    }
}

/// Gradient of ``logSoftmax(output:input:outer:axis:inner:)`` given its values `y`:
/// `dInput += dOutput − exp(y) · Σ_axis dOutput`. Accumulates (`+=`).
public func logSoftmaxBackward(
    dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, output: UnsafePointer<Float>,
    outer: Int, axis: Int, inner: Int
) {
    forEachSlab(outer: outer, axis: axis, inner: inner) { o, columns in
        let base = o * axis * inner
        if inner == 1 {
            let y = output + base, dy = dOutput + base, dx = dInput + base
            var sum: Float = 0
            for a in 0..<axis { sum += dy[a] }
            for a in 0..<axis { dx[a] += dy[a] - exp(y[a]) * sum }
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: columns.count) { sums in
            let sum = sums.baseAddress! - columns.lowerBound
            for i in columns { sum[i] = 0 }
            for a in 0..<axis {
                let dy = dOutput + base + a * inner
                for i in columns { sum[i] += dy[i] }
            }
            for a in 0..<axis {
                let y = output + base + a * inner, dy = dOutput + base + a * inner
                let dx = dInput + base + a * inner
                for i in columns { dx[i] += dy[i] - exp(y[i]) * sum[i] }
            }
        }
    }
}

/// Shared forward pass: per column, the maximum, the sum of shifted exponentials, then either
/// the normalised exponentials or the shifted log values.
private func normalise(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
    outer: Int, axis: Int, inner: Int, logarithm: Bool
) {
    guard axis > 0 else { return }
    forEachSlab(outer: outer, axis: axis, inner: inner) { o, columns in
        let base = o * axis * inner
        if inner == 1 {
            normaliseRow(output: output + base, input: input + base, count: axis, logarithm: logarithm)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * columns.count) { scratch in
            let maximum = scratch.baseAddress! - columns.lowerBound
            let sum = maximum + columns.count
            for i in columns { maximum[i] = input[base + i]; sum[i] = 0 }
            for a in 1..<axis {
                let x = input + base + a * inner
                for i in columns { maximum[i] = x[i] > maximum[i] || x[i].isNaN ? x[i] : maximum[i] }
            }
            for a in 0..<axis {
                let x = input + base + a * inner, y = output + base + a * inner
                for i in columns {
                    let e = exp(x[i] - maximum[i])
                    sum[i] += e
                    if !logarithm { y[i] = e }
                }
            }
            if logarithm {
                for i in columns { sum[i] = log(sum[i]) }
                for a in 0..<axis {
                    let x = input + base + a * inner, y = output + base + a * inner
                    for i in columns { y[i] = (x[i] - maximum[i]) - sum[i] }
                }
            } else {
                for i in columns { sum[i] = 1 / sum[i] }
                for a in 0..<axis {
                    let y = output + base + a * inner
                    for i in columns { y[i] *= sum[i] }
                }
            }
        }
    }
}

/// ``normalise(output:input:outer:axis:inner:logarithm:)`` for one contiguous row (inner = 1).
@inline(__always)
private func normaliseRow(output y: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, count: Int, logarithm: Bool) {
    var maximum = x[0]
    for a in 1..<count where x[a] > maximum || x[a].isNaN { maximum = x[a] }
    var sum: Float = 0
    if logarithm {
        for a in 0..<count { sum += exp(x[a] - maximum) }
        let logSum = log(sum)
        for a in 0..<count { y[a] = (x[a] - maximum) - logSum }
    } else {
        for a in 0..<count {
            let e = exp(x[a] - maximum)
            sum += e
            y[a] = e
        }
        let scale = 1 / sum
        for a in 0..<count { y[a] *= scale }
    }
}
