// TEMPORARY stand-ins with the final signatures, so the tensor layer compiles while the real
// kernels are written on the `kernels` branch. Deleted when that branch merges.

public struct Conv2DGeometry: Hashable, Sendable {
    public var batch, inputChannels, inputHeight, inputWidth, outputChannels, kernelHeight, kernelWidth: Int
    public var strideHeight, strideWidth, dilationHeight, dilationWidth: Int
    public var padTop, padBottom, padLeft, padRight: Int
    public var groups: Int
    public init(batch: Int, inputChannels: Int, inputHeight: Int, inputWidth: Int, outputChannels: Int, kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1, dilationHeight: Int = 1, dilationWidth: Int = 1, padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0, groups: Int = 1) {
        self.batch = batch; self.inputChannels = inputChannels; self.inputHeight = inputHeight; self.inputWidth = inputWidth
        self.outputChannels = outputChannels; self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight; self.strideWidth = strideWidth; self.dilationHeight = dilationHeight; self.dilationWidth = dilationWidth
        self.padTop = padTop; self.padBottom = padBottom; self.padLeft = padLeft; self.padRight = padRight; self.groups = groups
    }
    public var outputHeight: Int { (inputHeight + padTop + padBottom - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1 }
    public var outputWidth: Int { (inputWidth + padLeft + padRight - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1 }
    public var validationFailure: String? {
        if outputHeight < 1 || outputWidth < 1 { return "empty output" }
        return nil
    }
}

public func conv2dForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry) {
    let P = g.outputHeight, Q = g.outputWidth, cg = g.inputChannels / g.groups, kg = g.outputChannels / g.groups
    for n in 0..<g.batch { for k in 0..<g.outputChannels { for p in 0..<P { for q in 0..<Q {
        var s: Float = bias?[k] ?? 0
        let grp = k / kg
        for c in 0..<cg { for r in 0..<g.kernelHeight { for t in 0..<g.kernelWidth {
            let h = p * g.strideHeight - g.padTop + r * g.dilationHeight, w = q * g.strideWidth - g.padLeft + t * g.dilationWidth
            if h < 0 || h >= g.inputHeight || w < 0 || w >= g.inputWidth { continue }
            s += input[((n * g.inputChannels + grp * cg + c) * g.inputHeight + h) * g.inputWidth + w] * weight[((k * cg + c) * g.kernelHeight + r) * g.kernelWidth + t]
        } } }
        output[((n * g.outputChannels + k) * P + p) * Q + q] = s
    } } } }
}

public func conv2dBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?, dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
    let P = g.outputHeight, Q = g.outputWidth, cg = g.inputChannels / g.groups, kg = g.outputChannels / g.groups
    for n in 0..<g.batch { for k in 0..<g.outputChannels { for p in 0..<P { for q in 0..<Q {
        let d = dOutput[((n * g.outputChannels + k) * P + p) * Q + q]
        dBias?[k] += d
        let grp = k / kg
        for c in 0..<cg { for r in 0..<g.kernelHeight { for t in 0..<g.kernelWidth {
            let h = p * g.strideHeight - g.padTop + r * g.dilationHeight, w = q * g.strideWidth - g.padLeft + t * g.dilationWidth
            if h < 0 || h >= g.inputHeight || w < 0 || w >= g.inputWidth { continue }
            let xi = ((n * g.inputChannels + grp * cg + c) * g.inputHeight + h) * g.inputWidth + w
            let wi = ((k * cg + c) * g.kernelHeight + r) * g.kernelWidth + t
            dInput?[xi] += d * weight[wi]
            dWeight?[wi] += d * input[xi]
        } } }
    } } } }
}

public struct Pool2DGeometry: Hashable, Sendable {
    public var batch, channels, inputHeight, inputWidth, kernelHeight, kernelWidth, strideHeight, strideWidth: Int
    public var padTop, padBottom, padLeft, padRight, dilationHeight, dilationWidth: Int
    public var ceilMode: Bool
    public init(batch: Int, channels: Int, inputHeight: Int, inputWidth: Int, kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int, padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0, dilationHeight: Int = 1, dilationWidth: Int = 1, ceilMode: Bool = false) {
        self.batch = batch; self.channels = channels; self.inputHeight = inputHeight; self.inputWidth = inputWidth
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth; self.strideHeight = strideHeight; self.strideWidth = strideWidth
        self.padTop = padTop; self.padBottom = padBottom; self.padLeft = padLeft; self.padRight = padRight
        self.dilationHeight = dilationHeight; self.dilationWidth = dilationWidth; self.ceilMode = ceilMode
    }
    public var outputHeight: Int { (inputHeight + padTop + padBottom - dilationHeight * (kernelHeight - 1) - 1) / strideHeight + 1 }
    public var outputWidth: Int { (inputWidth + padLeft + padRight - dilationWidth * (kernelWidth - 1) - 1) / strideWidth + 1 }
    public var validationFailure: String? { outputHeight < 1 || outputWidth < 1 ? "empty output" : nil }
}

public func maxPool2dForward(output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?, input: UnsafePointer<Float>, geometry g: Pool2DGeometry) {
    let P = g.outputHeight, Q = g.outputWidth
    for plane in 0..<(g.batch * g.channels) { for p in 0..<P { for q in 0..<Q {
        var best = -Float.infinity, at = -1
        for r in 0..<g.kernelHeight { for t in 0..<g.kernelWidth {
            let h = p * g.strideHeight - g.padTop + r * g.dilationHeight, w = q * g.strideWidth - g.padLeft + t * g.dilationWidth
            if h < 0 || h >= g.inputHeight || w < 0 || w >= g.inputWidth { continue }
            let v = input[(plane * g.inputHeight + h) * g.inputWidth + w]
            if v > best || at < 0 { best = v; at = h * g.inputWidth + w }
        } }
        output[(plane * P + p) * Q + q] = best
        argmax?[(plane * P + p) * Q + q] = Int32(at)
    } } }
}

public func maxPool2dBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, geometry g: Pool2DGeometry) {
    let P = g.outputHeight, Q = g.outputWidth
    for plane in 0..<(g.batch * g.channels) { for o in 0..<(P * Q) {
        dInput[plane * g.inputHeight * g.inputWidth + Int(argmax[plane * P * Q + o])] += dOutput[plane * P * Q + o]
    } }
}

public func avgPool2dForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, geometry g: Pool2DGeometry, countIncludePad: Bool) {
    let P = g.outputHeight, Q = g.outputWidth
    for plane in 0..<(g.batch * g.channels) { for p in 0..<P { for q in 0..<Q {
        var s: Float = 0, n = 0
        for r in 0..<g.kernelHeight { for t in 0..<g.kernelWidth {
            let h = p * g.strideHeight - g.padTop + r, w = q * g.strideWidth - g.padLeft + t
            if h < 0 || h >= g.inputHeight || w < 0 || w >= g.inputWidth { continue }
            s += input[(plane * g.inputHeight + h) * g.inputWidth + w]; n += 1
        } }
        output[(plane * P + p) * Q + q] = s / Float(countIncludePad ? g.kernelHeight * g.kernelWidth : n)
    } } }
}

public func avgPool2dBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, geometry g: Pool2DGeometry, countIncludePad: Bool) {
    let P = g.outputHeight, Q = g.outputWidth
    for plane in 0..<(g.batch * g.channels) { for p in 0..<P { for q in 0..<Q {
        var n = 0
        for r in 0..<g.kernelHeight { for t in 0..<g.kernelWidth {
            let h = p * g.strideHeight - g.padTop + r, w = q * g.strideWidth - g.padLeft + t
            if h >= 0 && h < g.inputHeight && w >= 0 && w < g.inputWidth { n += 1 }
        } }
        let d = dOutput[(plane * P + p) * Q + q] / Float(countIncludePad ? g.kernelHeight * g.kernelWidth : n)
        for r in 0..<g.kernelHeight { for t in 0..<g.kernelWidth {
            let h = p * g.strideHeight - g.padTop + r, w = q * g.strideWidth - g.padLeft + t
            if h < 0 || h >= g.inputHeight || w < 0 || w >= g.inputWidth { continue }
            dInput[(plane * g.inputHeight + h) * g.inputWidth + w] += d
        } }
    } } }
}

public enum BinaryOperation: Sendable { case add, subtract, multiply, divide, maximum, minimum }

public func binaryBroadcast(_ op: BinaryOperation, output: UnsafeMutablePointer<Float>, shape: [Int], lhs: UnsafePointer<Float>, lhsStrides: [Int], rhs: UnsafePointer<Float>, rhsStrides: [Int]) {
    let count = shape.reduce(1, *)
    var index = [Int](repeating: 0, count: shape.count)
    for o in 0..<count {
        var l = 0, r = 0
        for d in 0..<shape.count { l += index[d] * lhsStrides[d]; r += index[d] * rhsStrides[d] }
        let a = lhs[l], b = rhs[r]
        switch op {
        case .add: output[o] = a + b
        case .subtract: output[o] = a - b
        case .multiply: output[o] = a * b
        case .divide: output[o] = a / b
        case .maximum: output[o] = max(a, b)
        case .minimum: output[o] = min(a, b)
        }
        var d = shape.count - 1
        while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
    }
}

public func reluForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { output[i] = input[i] > 0 ? input[i] : 0 }
}
public func reluBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    for i in 0..<count where input[i] > 0 { dInput[i] += dOutput[i] }
}
public func reduceSum(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    for o in 0..<outer { for i in 0..<inner {
        var s: Float = 0
        for a in 0..<axis { s += input[(o * axis + a) * inner + i] }
        output[o * inner + i] = s
    } }
}
public func reduceMax(output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?, input: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    for o in 0..<outer { for i in 0..<inner {
        var best = -Float.infinity, at = 0
        for a in 0..<axis where input[(o * axis + a) * inner + i] > best { best = input[(o * axis + a) * inner + i]; at = a }
        output[o * inner + i] = best; argmax?[o * inner + i] = Int32(at)
    } }
}
public func softmax(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    logSoftmax(output: output, input: input, outer: outer, axis: axis, inner: inner)
    for i in 0..<(outer * axis * inner) { output[i] = output[i].exponential }
}
public func logSoftmax(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    for o in 0..<outer { for i in 0..<inner {
        var m = -Float.infinity
        for a in 0..<axis { m = max(m, input[(o * axis + a) * inner + i]) }
        var s: Float = 0
        for a in 0..<axis { s += (input[(o * axis + a) * inner + i] - m).exponential }
        let lse = m + s.logarithm
        for a in 0..<axis { output[(o * axis + a) * inner + i] = input[(o * axis + a) * inner + i] - lse }
    } }
}
public func softmaxBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, output: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    for o in 0..<outer { for i in 0..<inner {
        var dot: Float = 0
        for a in 0..<axis { let j = (o * axis + a) * inner + i; dot += dOutput[j] * output[j] }
        for a in 0..<axis { let j = (o * axis + a) * inner + i; dInput[j] += output[j] * (dOutput[j] - dot) }
    } }
}
public func logSoftmaxBackward(dInput: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, output: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int) {
    for o in 0..<outer { for i in 0..<inner {
        var s: Float = 0
        for a in 0..<axis { s += dOutput[(o * axis + a) * inner + i] }
        for a in 0..<axis { let j = (o * axis + a) * inner + i; dInput[j] += dOutput[j] - output[j].exponential * s }
    } }
}

#if canImport(Glibc)
import Glibc
extension Float { var exponential: Float { expf(self) }; var logarithm: Float { logf(self) } }
#elseif canImport(Darwin)
import Darwin
extension Float { var exponential: Float { expf(self) }; var logarithm: Float { logf(self) } }
#endif
