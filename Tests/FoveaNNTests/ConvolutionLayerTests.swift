// The convolution layers of every dimension: shapes, PyTorch parameter layouts and counts,
// padding modes and true convolution as options, and refusal of bad configurations.

import FoveaNN
import Testing

@Suite struct ConvolutionLayerTests {
    @Test func shapesAndParameterLayouts() throws {
        let c1 = try Conv1D(inputChannels: 3, outputChannels: 8, kernelSize: 5, stride: 2, padding: .same)
        #expect(c1.weight.shape == [8, 3, 5] && c1.parameterCount == 8 * 3 * 5 + 8)
        #expect(try c1(Tensor.zeros([2, 3, 11])).shape == [2, 8, 6])
        let c3 = try Conv3D(inputChannels: 2, outputChannels: 4, kernelSize: [3, 3, 1], padding: .explicit(1))
        #expect(c3.weight.shape == [4, 2, 3, 3, 1])
        #expect(try c3(Tensor.zeros([1, 2, 4, 5, 6])).shape == [1, 4, 4, 5, 8])
        let t2 = try ConvTranspose2D(inputChannels: 4, outputChannels: 6, kernelSize: 3, stride: 2, padding: .explicit(1), outputPadding: [1], groups: 2)
        #expect(t2.weight.shape == [4, 3, 3, 3])
        #expect(try t2(Tensor.zeros([2, 4, 5, 5])).shape == [2, 6, 10, 10])
        let t1 = try ConvTranspose1D(inputChannels: 2, outputChannels: 3, kernelSize: 4, stride: 2)
        #expect(try t1(Tensor.zeros([1, 2, 6])).shape == [1, 3, 14])
        let t3 = try ConvTranspose3D(inputChannels: 1, outputChannels: 2, kernelSize: 2, stride: 2)
        #expect(try t3(Tensor.zeros([1, 1, 2, 3, 4])).shape == [1, 2, 4, 6, 8])
    }

    @Test func circularPaddingModeEqualsPaddingThenConvolving() throws {
        GlobalRandom.seed(3)
        let layer = try Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: .same, paddingMode: .circular)
        var g = SeededGenerator(seed: 4)
        let x = try Tensor.randomNormal([1, 2, 5, 6], using: &g)
        let manual = try x.padded(before: [1, 1], after: [1, 1], mode: .circular).conv2d(weight: layer.weight.value, bias: layer.bias?.value)
        let out = try layer(x)
        #expect(out.shape == [1, 3, 5, 6])
        #expect(zip(out.scalars, manual.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func flipsKernelComputesTrueConvolution() throws {
        let layer = try Conv1D(inputChannels: 1, outputChannels: 1, kernelSize: 3, padding: .full, bias: false, flipsKernel: true)
        try layer.weight.assign(Tensor(shape: [1, 1, 3], scalars: [2, -1, 0.5]))
        let y = try layer(Tensor(shape: [1, 1, 5], scalars: [1, 2, 0, -1, 3]))
        #expect(y.scalars == [2, 3, -1.5, -1, 7, -3.5, 1.5])
    }

    @Test func badConfigurationsNameTheLayerAndValue() throws {
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { try Conv1D(inputChannels: 3, outputChannels: 4, kernelSize: 3, groups: 2) }.contains("groups 2"))
        #expect(message { try Conv3D(inputChannels: 1, outputChannels: 1, kernelSize: [3, 3]) }.contains("Conv3D kernel size"))
        #expect(message { try Conv2D(inputChannels: 1, outputChannels: 1, kernelSize: 3, padding: .explicit(-1)) }.contains("negative"))
        #expect(message { try ConvTranspose2D(inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 2, outputPadding: [2]) }.contains("output padding"))
        let conv = try Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 5)
        #expect(message { try conv(Tensor.zeros([1, 3, 4, 4])) }.contains("does not fit"))
        #expect(message { try conv(Tensor.zeros([1, 2, 8, 8])) }.contains("input channels"))
        #expect(message { try conv(Tensor.zeros([3, 8, 8])) }.contains("Conv2D"))
    }
}
