// The model zoo's architectures: exact parameter counts (the published numbers and torchvision's),
// PyTorch state-dict names, output shapes at the models' native input sizes, and clear errors for
// impossible configurations. Training behaviour is in ModelZooTrainingTests.swift.

import FoveaModels
import FoveaNN
import Testing
import _FoveaTestSupport

/// The parameter count of each named child of `layer` whose name is in `names`.
private func childCounts(_ layer: any Layer, _ names: [String]) -> [Int] {
    names.map { name in layer.namedParameters.filter { $0.name.hasPrefix(name + ".") }.reduce(0) { $0 + $1.parameter.count } }
}

@Suite struct ModelZooStructureTests {
    @Test func typicalCNNBuildsTheSmallCNNAndLeNet() throws {
        let small = try Models.typicalCNN(stages: [TypicalCNNStage(outputChannels: 32, kernelSize: 5, padding: 2),
                                                   TypicalCNNStage(outputChannels: 64, kernelSize: 5, padding: 2)],
                                          hiddenFeatures: [128])
        #expect(small.parameterCount == 454_922)
        #expect(small.namedParameters.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"])

        let lenet = try Models.leNet5()
        // 156 + 2,416 + 48,120 + 10,164 + 850.
        #expect(lenet.parameterCount == 61_706)
        #expect(lenet.namedParameters.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias",
                                                      "9.weight", "9.bias", "11.weight", "11.bias"])
        #expect(try lenet(Tensor.zeros([2, 1, 28, 28])).shape == [2, 10])
    }

    @Test func smallVGGCountsNamesAndShape() throws {
        let net = try Models.smallVGG()
        // Convolutions 288 + 9,216 + 18,432 + 36,864, batch norms 2·(32 + 32 + 64 + 64),
        // classifier 803,072 + 2,570.
        #expect(net.parameterCount == 870_826)
        #expect(net.namedParameters.prefix(3).map(\.name) == ["0.weight", "1.weight", "1.bias"])
        #expect(net.namedBuffers.map(\.name).prefix(3) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
        #expect(net.namedParameters.suffix(2).map(\.name) == ["19.weight", "19.bias"])
        #expect(try net(Tensor.zeros([2, 1, 28, 28])).shape == [2, 10])
        #expect(thrownDescription { try Models.smallVGG(inputSize: 30) }?.contains("multiple of 4") == true)
    }

    @Test func typicalCNNRejectsVanishingMaps() throws {
        let error = thrownDescription {
            try Models.typicalCNN(inputSize: 8, stages: Array(repeating: TypicalCNNStage(outputChannels: 4, kernelSize: 3), count: 3))
        }
        #expect(error?.contains("stage 1") == true, "\(error ?? "")")
        #expect(thrownDescription { try Models.typicalCNN(stages: []) } != nil)
    }

    @Test func torchvisionAlexNetCountsAndNames() throws {
        let net = try Models.alexNet(.torchvision)
        #expect(net.parameterCount == 61_100_840)
        let layers = ["features.0", "features.3", "features.6", "features.8", "features.10", "classifier.1", "classifier.4", "classifier.6"]
        #expect(childCounts(net, layers) == [23_296, 307_392, 663_936, 884_992, 590_080, 37_752_832, 16_781_312, 4_097_000])
        #expect(net.namedParameters.map(\.name) == layers.flatMap { ["\($0).weight", "\($0).bias"] })
        #expect(net.namedBuffers.isEmpty)
    }

    @Test func paperAlexNetCountsAndGroups() throws {
        let net = try Models.alexNet(.paper)
        let layers = ["features.0", "features.4", "features.8", "features.10", "features.12", "classifier.0", "classifier.3", "classifier.6"]
        // conv2, conv4 and conv5 see half of the previous layer's channels (the two-GPU split).
        #expect(childCounts(net, layers) == [34_944, 307_456, 885_120, 663_936, 442_624, 37_752_832, 16_781_312, 4_097_000])
        #expect(net.parameterCount == 60_965_224)
        #expect(net.namedParameters.first { $0.name == "features.4.weight" }?.parameter.shape == [256, 48, 5, 5])
        #expect(thrownDescription { try Models.alexNet(.paper, inputSize: 66) }?.contains("66") == true)
        #expect(try Models.alexNet(.paper, classes: 10, inputSize: 67).parameterCount == 60_965_224 - 35 * 256 * 4096 - 990 * 4097)
    }

    @Test func alexNetOutputShapesAtNativeSizes() throws {
        let paper = try Models.alexNet(.paper), torchvision = try Models.alexNet(.torchvision)
        paper.eval()
        torchvision.eval()
        #expect(try paper(Tensor.zeros([1, 3, 227, 227])).shape == [1, 1000])
        #expect(try torchvision(Tensor.zeros([1, 3, 224, 224])).shape == [1, 1000])
        #expect(try paper.features(Tensor.zeros([1, 3, 227, 227])).shape == [1, 256, 6, 6])
        // Adaptive pooling lets the torchvision variant take any side from 63 up.
        #expect(try torchvision(Tensor.zeros([1, 3, 63, 63])).shape == [1, 1000])
        #expect(thrownDescription { try torchvision(Tensor.zeros([1, 3, 62, 62])) } != nil)
    }

    @Test func inception3aNaiveAgainstReduced() throws {
        let naive = try InceptionModule(inputChannels: 192, channels: .googLeNet3a, kind: .naive)
        let reduced = try InceptionModule(inputChannels: 192, channels: .googLeNet3a, kind: .reduced)
        #expect(naive.parameterCount == 387_296)
        #expect(reduced.parameterCount == 163_696)
        #expect((naive.outputChannels, reduced.outputChannels) == (416, 256))
        let x = try randomTensor([1, 192, 28, 28])
        #expect(try naive(x).shape == [1, 416, 28, 28])
        #expect(try reduced(x).shape == [1, 256, 28, 28])
        #expect(reduced.namedParameters.map(\.name) == ["branch1.conv.weight", "branch1.conv.bias", "branch2.0.conv.weight", "branch2.0.conv.bias",
                                                        "branch2.1.conv.weight", "branch2.1.conv.bias", "branch3.0.conv.weight", "branch3.0.conv.bias",
                                                        "branch3.1.conv.weight", "branch3.1.conv.bias", "branch4.1.conv.weight", "branch4.1.conv.bias"])
        #expect(thrownDescription { try InceptionModule(inputChannels: 192, channels: .googLeNet3a, kind: .naive, fiveByFiveKernel: 4) } != nil)
    }

    @Test func torchvisionGoogLeNetCountsAndNames() throws {
        let net = try Models.googLeNet(.torchvision)
        #expect(net.parameterCount == 6_624_904)
        #expect(try Models.googLeNet(.torchvision, auxiliaryHeads: true).parameterCount == 13_004_888)
        let names = net.namedParameters.map(\.name), buffers = net.namedBuffers.map(\.name)
        #expect(names.prefix(3) == ["conv1.conv.weight", "conv1.bn.weight", "conv1.bn.bias"])
        #expect(names.contains("inception3a.branch3.1.conv.weight") && names.suffix(2) == ["fc.weight", "fc.bias"])
        #expect(buffers.prefix(3) == ["conv1.bn.running_mean", "conv1.bn.running_var", "conv1.bn.num_batches_tracked"])
        // torchvision's "5×5" branch is a 3×3 convolution.
        #expect(net.namedParameters.first { $0.name == "inception3a.branch3.1.conv.weight" }?.parameter.shape == [32, 16, 3, 3])
        #expect(!names.contains { $0.hasSuffix("conv.bias") })
    }

    @Test func paperGoogLeNetCounts() throws {
        // Convolutions with bias, true 5×5 branches, no batch normalisation.
        #expect(try Models.googLeNet(.paper).parameterCount == 6_998_552)
        #expect(try Models.googLeNet(.paper, auxiliaryHeads: true).parameterCount == 13_378_280)
        #expect(try Models.googLeNet(.paper).namedBuffers.isEmpty)
    }

    @Test func transformInputIsTorchvisionsChannelRenormalisation() throws {
        let plain = try GlobalRandom.withSeed(21) { try Models.googLeNet(.torchvision, classes: 5) }
        let transforming = try GlobalRandom.withSeed(21) { try Models.googLeNet(.torchvision, classes: 5, transformInput: true) }
        plain.eval()
        transforming.eval()
        let x = try randomTensor([1, 3, 32, 32], seed: 22)
        // Channel c: x·(std_c / 0.5) + (mean_c − 0.5) / 0.5 with ImageNet's mean and std.
        let (mean, std): ([Float], [Float]) = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
        var manual = x
        manual.withUnsafeMutableBufferPointer { v in
            for i in v.indices { let c = i / (32 * 32); v[i] = v[i] * (std[c] / 0.5) + (mean[c] - 0.5) / 0.5 }
        }
        #expect(allClose(try transforming(x).scalars, try plain(manual).scalars, relative: 1e-5, absolute: 1e-5))
    }

    @Test func googLeNetOutputShapesWithAndWithoutAuxiliaryHeads() throws {
        let torchvision = try Models.googLeNet(.torchvision, auxiliaryHeads: true)
        let paper = try Models.googLeNet(.paper, auxiliaryHeads: true)
        #expect(paper.namedParameters.first { $0.name == "inception3a.branch3.1.conv.weight" }?.parameter.shape == [32, 16, 5, 5])
        let x = try randomTensor([2, 3, 224, 224])
        for net in [torchvision, paper] {
            net.train()
            let out = try net.forward(x)
            #expect(out.logits.shape == [2, 1000] && out.aux1?.shape == [2, 1000] && out.aux2?.shape == [2, 1000], "\(net.variant)")
        }
        torchvision.eval()
        let evaluated = try torchvision.forward(x)
        #expect(evaluated.logits.shape == [2, 1000] && evaluated.aux1 == nil && evaluated.aux2 == nil)
    }
}
