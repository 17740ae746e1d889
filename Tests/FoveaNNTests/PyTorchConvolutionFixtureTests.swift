// The convolution family against PyTorch golden values (Scripts/make_convolution_fixtures.py):
// Conv1D/2D/3D over strides, paddings (incl. 'same' and the padding modes), dilation and groups;
// ConvTranspose1D/2D/3D with output padding; unfold and fold — each to ≤ 1e-5 relative.

import Foundation
import FoveaNN
import Testing

@Suite struct PyTorchConvolutionFixtureTests {
    @Test func convolutions() throws {
        let cases = try FixtureCase.load("convolution").filter { $0.op.hasPrefix("conv") && !$0.op.hasPrefix("convTranspose") }
        #expect(cases.count == 12)
        for c in cases {
            let x = try c.tensor("input"), w = try c.tensor("weight"), b = try c.tensor("bias")
            let padding: Padding = c.bool("same") ? .same : .explicit(before: c.ints("padding"), after: c.ints("padding"))
            let mode = try #require(PaddingMode(rawValue: c.config["mode"] as? String ?? ""), "\(c.name)")
            let (k, cin, groups) = (w.shape[0], x.shape[1], c.int("groups"))
            let kernel = Array(w.shape[2...])
            let layer: any Layer
            let parameters: (Parameter, Parameter?)
            switch c.op {
            case "conv1d":
                let l = try Conv1D(inputChannels: cin, outputChannels: k, kernelSize: kernel[0], stride: c.ints("stride")[0], padding: padding,
                                   paddingMode: mode, dilation: c.ints("dilation")[0], groups: groups)
                (layer, parameters) = (l, (l.weight, l.bias))
            case "conv2d":
                let l = try Conv2D(inputChannels: cin, outputChannels: k, kernelSize: SpatialSize(kernel), stride: SpatialSize(c.ints("stride")),
                                   padding: padding, paddingMode: mode, dilation: SpatialSize(c.ints("dilation")), groups: groups)
                (layer, parameters) = (l, (l.weight, l.bias))
            default:
                let l = try Conv3D(inputChannels: cin, outputChannels: k, kernelSize: SpatialSize(kernel), stride: SpatialSize(c.ints("stride")),
                                   padding: padding, paddingMode: mode, dilation: SpatialSize(c.ints("dilation")), groups: groups)
                (layer, parameters) = (l, (l.weight, l.bias))
            }
            try parameters.0.assign(w)
            try parameters.1?.assign(b)
            expectMatchesPyTorch(try layer(x), try c.tensor("output"), c.name)
        }
    }

    @Test func transposedConvolutions() throws {
        let cases = try FixtureCase.load("convolution").filter { $0.op.hasPrefix("convTranspose") }
        #expect(cases.count == 4)
        for c in cases {
            let x = try c.tensor("input"), w = try c.tensor("weight"), b = try c.tensor("bias")
            let pads = c.ints("padding")
            let y = try x.transposedConvolution(weight: w, bias: b, stride: c.ints("stride"), padding: .explicit(before: pads, after: pads),
                                                outputPadding: c.ints("outputPadding"), dilation: c.ints("dilation"), groups: c.int("groups"))
            expectMatchesPyTorch(y, try c.tensor("output"), c.name)
        }
        // The layer gives the same result with the same weights.
        let c = try #require(try FixtureCase.load("convolution").first { $0.op == "convTranspose2d" })
        let layer = try ConvTranspose2D(inputChannels: 4, outputChannels: 6, kernelSize: [3, 2], stride: [2, 2],
                                        padding: .explicit(before: [1, 0], after: [1, 0]), outputPadding: [1, 1], groups: 2)
        try layer.weight.assign(try c.tensor("weight"))
        try layer.bias?.assign(try c.tensor("bias"))
        expectMatchesPyTorch(try layer(try c.tensor("input")), try c.tensor("output"), "ConvTranspose2D layer")
    }

    @Test func unfoldAndFold() throws {
        let cases = try FixtureCase.load("convolution")
        let unfold = try #require(cases.first { $0.op == "unfold" }), fold = try #require(cases.first { $0.op == "fold" })
        let p = unfold.ints("padding")
        let columns = try unfold.tensor("input").unfolded(kernelSize: unfold.ints("kernel"), stride: unfold.ints("stride"),
                                                          padding: .explicit(before: p, after: p), dilation: unfold.ints("dilation"))
        expectMatchesPyTorch(columns, try unfold.tensor("output"), "unfold")
        let image = try fold.tensor("input").folded(outputSize: fold.ints("outputSize"), kernelSize: fold.ints("kernel"), stride: fold.ints("stride"),
                                                    padding: .explicit(before: p, after: p), dilation: fold.ints("dilation"))
        expectMatchesPyTorch(image, try fold.tensor("output"), "fold")
    }
}

extension FixtureCase {
    /// A single integer of the configuration (0 when absent, so a bad fixture fails its comparison).
    func int(_ key: String) -> Int { (config[key] as? NSNumber)?.intValue ?? 0 }
}
