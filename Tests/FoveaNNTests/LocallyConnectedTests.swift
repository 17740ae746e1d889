// Locally connected and tiled layers: the book's parameter counts, and tiled convolution's two
// limits (tile 1 = Conv2D, tile = output size = LocallyConnected2D) with the same weights.

import FoveaNN
import Testing

@Suite struct LocallyConnectedTests {
    /// Same connectivity, three degrees of sharing (Goodfellow et al. §9.5): out·in·k² weights for a
    /// convolution, t²·out·in·k² for tiled, P·Q·out·in·k² for locally connected.
    @Test func parameterCountsFollowTheBook() throws {
        let conv = try Conv2D(inputChannels: 3, outputChannels: 8, kernelSize: 5, bias: false)
        let tiled = try TiledConv2D(inputChannels: 3, outputChannels: 8, kernelSize: 5, tile: 2, bias: false)
        let local = try LocallyConnected2D(inputChannels: 3, outputChannels: 8, inputSize: [28, 28], kernelSize: 5, bias: false)
        #expect(conv.parameterCount == 8 * 3 * 25)
        #expect(tiled.parameterCount == 4 * 8 * 3 * 25)
        #expect(local.outputSize == [24, 24])
        #expect(local.parameterCount == 24 * 24 * 8 * 3 * 25)
        let local1 = try LocallyConnected1D(inputChannels: 2, outputChannels: 4, inputLength: 10, kernelSize: 3, stride: 2)
        #expect(local1.outputLength == 4 && local1.parameterCount == 4 * 4 * 2 * 3 + 4 * 4)
    }

    @Test func tiledLimitsEqualConvolutionAndLocallyConnected() throws {
        GlobalRandom.seed(5)
        var g = SeededGenerator(seed: 6)
        let x = try Tensor.randomNormal([2, 3, 7, 6], using: &g)

        let conv = try Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: .uniform(1))
        let tiledOne = try TiledConv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, tile: 1, padding: .uniform(1))
        try tiledOne.weight.assign(conv.weight.value.reshaped(to: [1, 4, 27]))
        try tiledOne.bias!.assign(conv.bias!.value.reshaped(to: [1, 4]))
        #expect(zip(try tiledOne(x).scalars, try conv(x).scalars).allSatisfy { abs($0 - $1) < 1e-4 })

        let local = try LocallyConnected2D(inputChannels: 3, outputChannels: 4, inputSize: [7, 6], kernelSize: 3, stride: 2)
        let tiledAll = try TiledConv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, tile: [3, 2], stride: 2)
        try tiledAll.weight.assign(local.weight.value)
        try tiledAll.bias!.assign(local.bias!.value)
        #expect(try tiledAll(x).scalars == (try local(x).scalars))
        #expect(try local(x).shape == [2, 4, 3, 2])
    }

    @Test func aKernelLargerThanTheInputIsRefused() {
        #expect(throws: TensorError.self) { try LocallyConnected2D(inputChannels: 1, outputChannels: 1, inputSize: [3, 3], kernelSize: 5) }
    }
}
