// Reductions over one axis: sum and max (with argmax).
// A tensor is viewed as [outer, axis, inner]: the axis being reduced, everything before it
// flattened into `outer`, everything after it into `inner`. Output is [outer, inner].
//
// With inner = 1 each output is a contiguous row (summed with eight partial sums); otherwise the
// rows a = 0…axis−1 are combined element-wise across `inner`, which vectorises. Each output's
// numbers are combined in an order that does not depend on the thread count.

/// `output[o·inner + i] = Σ_a input[(o·axis + a)·inner + i]` (0 when `axis` is 0).
/// Uses up to `Parallel.availableThreads` threads.
public func reduceSum(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    forEachSlab(outer: outer, axis: axis, inner: inner) { o, columns in
        let out = output + o * inner, slab = input + o * axis * inner
        if inner == 1 {
            out[0] = blockSum(slab, count: axis)
            return
        }
        for i in columns { out[i] = 0 }
        for a in 0..<axis {
            let row = slab + a * inner
            for i in columns { out[i] += row[i] }
        }
    }
}

/// Reference twin of ``reduceSum(output:input:outer:axis:inner:)``: one output at a time, summed
/// in axis order.
public func reduceSumNaive(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    for o in 0..<outer {
        for i in 0..<inner {
            var sum: Float = 0
            for a in 0..<axis { sum += input[(o * axis + a) * inner + i] }
            output[o * inner + i] = sum
        }
    }
}

/// `output[o·inner + i] = max_a input[(o·axis + a)·inner + i]`, and `argmax` (if given) the `a`
/// that attains it: the first one on ties; NaN wins and the first NaN is reported (like
/// `torch.max(dim:)`). An empty axis gives −∞ and argmax −1.
public func reduceMax(
    output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?, input: UnsafePointer<Float>,
    outer: Int, axis: Int, inner: Int
) {
    forEachSlab(outer: outer, axis: axis, inner: inner) { o, columns in
        let out = output + o * inner, slab = input + o * axis * inner
        let indices = argmax.map { $0 + o * inner }
        guard axis > 0 else {
            for i in columns { out[i] = -.infinity; indices?[i] = -1 }
            return
        }
        if inner == 1 {
            var best = slab[0], bestIndex = 0
            if !best.isNaN {
                for a in 1..<axis {
                    let v = slab[a]
                    if v > best || v.isNaN { best = v; bestIndex = a; if v.isNaN { break } }
                }
            }
            out[0] = best
            indices?[0] = Int32(truncatingIfNeeded: bestIndex)
            return
        }
        for i in columns { out[i] = slab[i] }
        if let indices {
            for i in columns { indices[i] = 0 }
            for a in 1..<axis {
                let row = slab + a * inner, index = Int32(truncatingIfNeeded: a)
                for i in columns {
                    let v = row[i], best = out[i]
                    if !best.isNaN && (v > best || v.isNaN) { out[i] = v; indices[i] = index }
                }
            }
        } else {
            for a in 1..<axis {
                let row = slab + a * inner
                for i in columns {
                    let v = row[i], best = out[i]
                    out[i] = !best.isNaN && (v > best || v.isNaN) ? v : best
                }
            }
        }
    }
}

/// Reference twin of ``reduceMax(output:argmax:input:outer:axis:inner:)``.
public func reduceMaxNaive(
    output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?, input: UnsafePointer<Float>,
    outer: Int, axis: Int, inner: Int
) {
    for o in 0..<outer {
        for i in 0..<inner {
            var best = -Float.infinity, bestIndex = -1
            for a in 0..<axis {
                let v = input[(o * axis + a) * inner + i]
                if bestIndex < 0 || (!best.isNaN && (v > best || v.isNaN)) { best = v; bestIndex = a }
            }
            output[o * inner + i] = best
            argmax?[o * inner + i] = Int32(truncatingIfNeeded: bestIndex)
        }
    }
}

// MARK: - Work splitting shared by the reductions and softmax

/// Runs `body(o, columns)` over every slab `o` of an [outer, axis, inner] view, covering all
/// `inner` columns. Many slabs: slabs split across threads, each with all columns. Few wide
/// slabs: each slab's columns split across threads. Never splits the axis, so each output is
/// computed the same way whatever the thread count.
func forEachSlab(outer: Int, axis: Int, inner: Int, _ body: (Int, Range<Int>) -> Void) {
    guard outer > 0, inner > 0 else { return }
    let grain = 1 << 15
    let work = outer * max(1, axis) * inner
    if outer >= Parallel.availableThreads || inner == 1 || work < grain {
        Parallel.forRanges(outer, grain: max(1, grain / max(1, axis * inner))) { slabs in
            for o in slabs { body(o, 0..<inner) }
        }
    } else {
        for o in 0..<outer {
            Parallel.forRanges(inner, grain: max(1, grain / max(1, axis))) { columns in body(o, columns) }
        }
    }
}
