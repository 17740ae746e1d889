// The zoo's layer tables: the published parameter and multiply-add totals come out exactly, and
// an input too small for a network names the layer where the map vanishes.

import FoveaModels
import FoveaNN
import Testing

@Suite struct ZooSummaryTests {
    @Test func totalsMatchThePublishedFigures() throws {
        func totals(_ model: ZooModel, aux: Bool = false) throws -> (Int, Int?) {
            let s = try model.build(auxiliaryHeads: aux).summary(input: [1] + model.defaultInput)
            return (s.trainableParameters, s.multiplyAdds)
        }
        #expect(try totals(.alexNet) == (61_100_840, 714_188_480))
        #expect(try totals(.googLeNet) == (6_624_904, 1_498_376_192))
        #expect(try totals(.googLeNet, aux: true).0 == 13_004_888)
        #expect(try totals(.inception3aNaive) == (387_296, 303_464_448))
        #expect(try totals(.inception3aReduced) == (163_696, 128_049_152))
        #expect(try totals(.smallCNN) == (454_922, 11_065_088))
    }

    @Test func recurrentNetworkCountsItsStepsOnce() throws {
        // U 32·1·5·5 + 32, W 32·11·5·5, V 11·32 + 11; multiply-adds at 28×28: U once, V three
        // times, W twice; each later step reaches 4 pixels further on each side: 5, 9, 13.
        let s = try ZooModel.rcn.build().summary(input: [1, 1, 28, 28])
        #expect(s.trainableParameters == 832 + 8_800 + 363)
        #expect(s.multiplyAdds == 627_200 + 3 * 275_968 + 2 * 6_899_200)
        #expect(s.outputShape == [1, 11, 28, 28] && s.rows.last?.receptiveField == [13, 13])
    }

    @Test func buildRefusesInputsAModelCannotTake() throws {
        #expect(throws: TensorError.self) { try ZooModel.leNet5.build(input: [1, 32, 32]) }
        #expect(throws: TensorError.self) { try ZooModel.alexNet.build(input: [1, 64, 64]) }
        #expect(throws: TensorError.self) { try ZooModel.smallCNN.build(input: [1, 30, 30]) }
        let small = try ZooModel.smallCNN.build(input: [3, 32, 32], classes: 7).summary(input: [1, 3, 32, 32])
        #expect(small.outputShape == [1, 7])
    }

    @Test func alexNetPerLayerParameters() throws {
        let s = try ZooModel.alexNet.build().summary(input: [1, 3, 224, 224])
        let convAndLinear = s.rows.filter { $0.type == "Conv2D" || $0.type == "Linear" }.map(\.parameters)
        #expect(convAndLinear == [23_296, 307_392, 663_936, 884_992, 590_080, 37_752_832, 16_781_312, 4_097_000])
    }

    @Test func aTooSmallInputNamesTheLayer() throws {
        let error = #expect(throws: SummaryError.self) { try ZooModel.alexNet.build().summary(input: [1, 3, 62, 62]) }
        #expect(error?.layer == "features.12")
        #expect(try ZooModel.alexNet.build().summary(input: [1, 3, 63, 63]).outputShape == [1, 1000])
    }
}
