// GoogLeNet (Inception v1) — C. Szegedy, W. Liu, Y. Jia, P. Sermanet, S. Reed, D. Anguelov,
// D. Erhan, V. Vanhoucke, A. Rabinovich, "Going deeper with convolutions", CVPR 2015
// (arXiv:1409.4842), Table 1 and §5 — in two variants.
//
// Both: conv1 7×7/2 (64) → max pool 3/2 → conv2 1×1 (64) → conv3 3×3 (192) → max pool 3/2 →
// inception 3a, 3b → max pool 3/2 → 4a–4e → max pool → 5a, 5b → global average pool → dropout →
// fc; auxiliary heads on 4a and 4d (1×1 conv 128 → fc 1024 → ReLU → dropout 0.7 → fc). Pooling
// rounds up (ceil mode, as Caffe's reference model does), so 224 → 112 → 56 → 28 → 14 → 7.
//
// `.paper`: convolutions with bias and ReLU; LRN (n 5, α 1e-4, β 0.75) after the first max pool
// and after conv3; true 5×5 convolutions; max pool 3×3/2 after 4e; dropout 0.4; auxiliary heads
// start with 5×5/3 average pooling (4×4 maps at 224, so inputs must keep 4a's maps ≥ 5×5).
// 6,998,552 parameters, 13,378,280 with the auxiliary heads (1000 classes).
// Deviations: the final 7×7 average pool is a global average (identical at 224, and any size
// works); weights start from PyTorch's defaults; no Polyak averaging or photometric distortions.
//
// `.torchvision`: torchvision's `googlenet` exactly — `BasicConv2d` blocks (conv without bias,
// BatchNorm eps 0.001, ReLU), a 3×3 convolution in the "5×5" branch, max pool 2/2 after 4e,
// dropout 0.2, auxiliary heads with adaptive average pooling to 4×4, and torchvision's
// state-dict names (`conv1.conv.weight`, `conv1.bn.running_mean`, `inception3a.branch2.1.conv.weight`,
// `aux1.fc1.weight`, `fc.weight`, …): 6,624,904 parameters, 13,004,888 with auxiliary heads.
// `transformInput` is off by default, as in torchvision's `GoogLeNet` class; torchvision's
// `googlenet(weights=…)` turns it on for its ImageNet weights, which expect inputs normalised with
// ImageNet's mean and deviation re-normalised to (x − 0.5)/0.5. Pass `transformInput: true` to load
// those weights and feed ImageNet-normalised images, exactly as torchvision does.

/// Which GoogLeNet ``Models/googLeNet(_:classes:auxiliaryHeads:transformInput:)`` builds.
public enum GoogLeNetVariant: String, Sendable, CaseIterable {
    /// Szegedy et al. 2014: convolutions with bias, LRN, true 5×5 branches.
    case paper
    /// torchvision's `googlenet`: batch normalisation, 3×3 "5×5" branches, torchvision names.
    case torchvision
}

/// An auxiliary classifier of GoogLeNet (torchvision's `InceptionAux`): pool to 4×4, 1×1
/// convolution to 128 channels, fc 2048→1024, ReLU, dropout 0.7, fc 1024→classes.
/// Input `[N, C, H, W]` → logits `[N, classes]`. Children `conv`, `fc1`, `fc2`, `dropout`.
public final class InceptionAuxiliaryHead: Layer {
    /// The 1×1 convolution to 128 channels.
    public let conv: BasicConv2D
    /// The hidden (2048→1024) and output (1024→classes) layers.
    public let fc1: Linear, fc2: Linear
    /// Dropout 0.7 between `fc1` and `fc2`.
    public let dropout: Dropout
    /// The paper's 5×5/3 average pool, or nil for torchvision's adaptive pool to 4×4.
    let pool: AvgPool2D?

    init(inputChannels: Int, classes: Int, variant: GoogLeNetVariant) throws {
        let paper = variant == .paper
        pool = paper ? try AvgPool2D(kernelSize: 5, stride: 3) : nil
        conv = try BasicConv2D(inputChannels: inputChannels, outputChannels: 128, kernelSize: 1, batchNorm: !paper)
        fc1 = try Linear(inputFeatures: 2048, outputFeatures: 1024)
        fc2 = try Linear(inputFeatures: 1024, outputFeatures: classes)
        dropout = try Dropout(probability: 0.7)
    }

    /// - Throws: ``TensorError`` when the input does not fit (the paper's pool needs maps ≥ 5×5 and
    ///   the result must be 4×4).
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let pooled = try pool.map { try $0(input) } ?? input.adaptiveAvgPool(outputSize: [4, 4])
        let hidden = try fc1(conv(pooled).flattened(startingAt: 1)).relu()
        return try fc2(dropout(hidden))
    }

    public var children: [(name: String, layer: any Layer)] {
        [("conv", conv), ("fc1", fc1), ("fc2", fc2), ("dropout", dropout)]
    }
}

/// GoogLeNet (Inception v1). Input `[N, 3, H, W]` → logits `[N, classes]`; see the file header
/// for the two variants. In training mode with auxiliary heads, ``forward(_:)`` also returns the
/// two auxiliary logits (torchvision's `GoogLeNetOutputs`); `callAsFunction` returns the main
/// logits only.
public final class GoogLeNet: Layer {
    /// The variant this network was built as.
    public let variant: GoogLeNetVariant
    /// torchvision's re-normalisation of ImageNet-normalised inputs (see the file header).
    public let transformInput: Bool
    /// The stem: 7×7/2 (64), 1×1 (64), 3×3 (192).
    public let conv1: BasicConv2D, conv2: BasicConv2D, conv3: BasicConv2D
    /// The stride-2 max pools (ceil mode) after conv1, conv3, inception 3b and 4e.
    public let maxpool1: MaxPool2D, maxpool2: MaxPool2D, maxpool3: MaxPool2D, maxpool4: MaxPool2D
    /// The paper's LRN layers (nil in torchvision's variant).
    public let lrn1: LocalResponseNorm?, lrn2: LocalResponseNorm?
    /// The nine reduced inception modules of Table 1.
    public let inception3a, inception3b, inception4a, inception4b, inception4c, inception4d, inception4e,
               inception5a, inception5b: InceptionModule
    /// The auxiliary classifiers on 4a and 4d, when built with them.
    public let aux1: InceptionAuxiliaryHead?, aux2: InceptionAuxiliaryHead?
    /// Global average pooling to `[N, 1024]`.
    public let avgpool: GlobalAvgPool
    /// Dropout before `fc` (0.4 paper, 0.2 torchvision).
    public let dropout: Dropout
    /// The classifier 1024 → classes.
    public let fc: Linear
    /// Whether the network is in training mode (auxiliary heads active).
    public private(set) var isTraining = true

    init(variant: GoogLeNetVariant, classes: Int, auxiliaryHeads: Bool, transformInput: Bool) throws {
        let paper = variant == .paper, bn = !paper
        self.variant = variant
        self.transformInput = transformInput
        conv1 = try BasicConv2D(inputChannels: 3, outputChannels: 64, kernelSize: 7, stride: 2, padding: .explicit(3), batchNorm: bn)
        maxpool1 = try MaxPool2D(kernelSize: 3, stride: 2, ceilMode: true)
        conv2 = try BasicConv2D(inputChannels: 64, outputChannels: 64, kernelSize: 1, batchNorm: bn)
        conv3 = try BasicConv2D(inputChannels: 64, outputChannels: 192, kernelSize: 3, padding: .explicit(1), batchNorm: bn)
        maxpool2 = try MaxPool2D(kernelSize: 3, stride: 2, ceilMode: true)
        lrn1 = paper ? try LocalResponseNorm(size: 5, alpha: 1e-4, beta: 0.75) : nil
        lrn2 = paper ? try LocalResponseNorm(size: 5, alpha: 1e-4, beta: 0.75) : nil
        func inception(_ input: Int, _ c1: Int, _ c3r: Int, _ c3: Int, _ c5r: Int, _ c5: Int, _ pool: Int) throws -> InceptionModule {
            try InceptionModule(inputChannels: input,
                                channels: InceptionChannels(oneByOne: c1, threeByThreeReduce: c3r, threeByThree: c3,
                                                            fiveByFiveReduce: c5r, fiveByFive: c5, poolProjection: pool),
                                kind: .reduced, fiveByFiveKernel: paper ? 5 : 3, batchNorm: bn)
        }
        inception3a = try inception(192, 64, 96, 128, 16, 32, 32)
        inception3b = try inception(256, 128, 128, 192, 32, 96, 64)
        maxpool3 = try MaxPool2D(kernelSize: 3, stride: 2, ceilMode: true)
        inception4a = try inception(480, 192, 96, 208, 16, 48, 64)
        inception4b = try inception(512, 160, 112, 224, 24, 64, 64)
        inception4c = try inception(512, 128, 128, 256, 24, 64, 64)
        inception4d = try inception(512, 112, 144, 288, 32, 64, 64)
        inception4e = try inception(528, 256, 160, 320, 32, 128, 128)
        maxpool4 = paper ? try MaxPool2D(kernelSize: 3, stride: 2, ceilMode: true) : try MaxPool2D(kernelSize: 2, stride: 2, ceilMode: true)
        inception5a = try inception(832, 256, 160, 320, 32, 128, 128)
        inception5b = try inception(832, 384, 192, 384, 48, 128, 128)
        aux1 = auxiliaryHeads ? try InceptionAuxiliaryHead(inputChannels: 512, classes: classes, variant: variant) : nil
        aux2 = auxiliaryHeads ? try InceptionAuxiliaryHead(inputChannels: 528, classes: classes, variant: variant) : nil
        avgpool = GlobalAvgPool()
        dropout = try Dropout(probability: paper ? 0.4 : 0.2)
        fc = try Linear(inputFeatures: 1024, outputFeatures: classes)
    }

    /// The main logits `[N, classes]` and, in training mode with auxiliary heads, the logits of
    /// `aux1` (on 4a) and `aux2` (on 4d); the auxiliary results are nil otherwise.
    /// - Throws: ``TensorError`` when the input is not `[N, 3, H, W]` or too small (a pooling
    ///   layer's map vanishes; the paper variant's auxiliary heads need 4a's maps ≥ 5×5).
    public func forward(_ input: Tensor) throws -> (logits: Tensor, aux1: Tensor?, aux2: Tensor?) {
        var x = transformInput ? try transformed(input) : input
        x = try maxpool1(conv1(x))
        if let lrn1 { x = try lrn1(x) }
        x = try conv3(conv2(x))
        if let lrn2 { x = try lrn2(x) }
        x = try inception3b(inception3a(maxpool2(x)))
        x = try inception4a(maxpool3(x))
        let auxiliary1 = isTraining ? try aux1.map { try $0(x) } : nil
        x = try inception4d(inception4c(inception4b(x)))
        let auxiliary2 = isTraining ? try aux2.map { try $0(x) } : nil
        x = try inception5b(inception5a(maxpool4(inception4e(x))))
        let logits = try fc(dropout(avgpool(x)))
        return (logits, auxiliary1, auxiliary2)
    }

    /// The main logits `[N, classes]`.
    /// - Throws: as ``forward(_:)``.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input).logits }

    /// torchvision's `_transform_input`: channel c becomes `x·(std_c/0.5) + (mean_c − 0.5)/0.5`.
    private func transformed(_ x: Tensor) throws -> Tensor {
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        let scale = try Tensor(shape: [1, 3, 1, 1], scalars: std.map { $0 / 0.5 })
        let shift = try Tensor(shape: [1, 3, 1, 1], scalars: mean.map { ($0 - 0.5) / 0.5 })
        return try x * scale + shift
    }

    public func setTraining(_ training: Bool) {
        isTraining = training
        for child in children { child.layer.setTraining(training) }
    }

    public var children: [(name: String, layer: any Layer)] {
        var list: [(name: String, layer: any Layer)] = [("conv1", conv1), ("maxpool1", maxpool1)]
        if let lrn1 { list.append(("lrn1", lrn1)) }
        list += [("conv2", conv2), ("conv3", conv3)]
        if let lrn2 { list.append(("lrn2", lrn2)) }
        list += [("maxpool2", maxpool2), ("inception3a", inception3a), ("inception3b", inception3b), ("maxpool3", maxpool3),
                 ("inception4a", inception4a), ("inception4b", inception4b), ("inception4c", inception4c),
                 ("inception4d", inception4d), ("inception4e", inception4e), ("maxpool4", maxpool4),
                 ("inception5a", inception5a), ("inception5b", inception5b)]
        if let aux1, let aux2 { list += [("aux1", aux1), ("aux2", aux2)] }
        return list + [("avgpool", avgpool), ("dropout", dropout), ("fc", fc)]
    }
}

extension Models {
    /// GoogLeNet / Inception v1 in the paper's or torchvision's form (see ``GoogLeNetVariant``).
    /// - Parameters:
    ///   - classes: the number of outputs (1000 for ImageNet).
    ///   - auxiliaryHeads: add the two auxiliary classifiers (torchvision's `aux_logits`); their
    ///     logits come from ``GoogLeNet/forward(_:)`` in training mode.
    ///   - transformInput: torchvision's `transform_input` (off by default, as in its class).
    /// - Throws: for non-positive sizes.
    public static func googLeNet(_ variant: GoogLeNetVariant = .torchvision, classes: Int = 1000,
                                 auxiliaryHeads: Bool = false, transformInput: Bool = false) throws -> GoogLeNet {
        try GoogLeNet(variant: variant, classes: classes, auxiliaryHeads: auxiliaryHeads, transformInput: transformInput)
    }
}
