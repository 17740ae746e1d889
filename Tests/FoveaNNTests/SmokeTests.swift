import FoveaModels
import FoveaNN
import Testing

@Suite struct ModelShapeTests {
    @Test func smallCNNHasTheDocumentedParameterCount() throws {
        let model = try Models.smallCNN()
        #expect(model.parameterCount == 454_922)
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"])
        let x = try Tensor.zeros([2, 1, 28, 28])
        #expect(try model(x).shape == [2, 10])
    }
}
