// Activation layers: they call their ops, PReLU owns one "weight" parameter initialised to 0.25
// and learns through it, and bad configurations throw.

import FoveaNN
import Testing
import _FoveaTestSupport

@Suite struct ActivationLayerTests {
    @Test func layersMatchTheirOps() throws {
        let x = try randomTensor([2, 3, 4])
        #expect(try LeakyReLU(negativeSlope: 0.2)(x) == x.leakyRelu(negativeSlope: 0.2))
        #expect(try ELU(alpha: 0.5)(x) == x.elu(alpha: 0.5))
        #expect(try Sigmoid()(x) == x.sigmoid())
        #expect(try Tanh()(x) == x.tanh())
        #expect(try Softmax(axis: 1)(x) == x.softmax(alongAxis: 1))
    }

    @Test func preluParameterAndGradient() throws {
        let layer = try PReLU(parameterCount: 3)
        #expect(layer.namedParameters.map(\.name) == ["weight"])
        #expect(layer.weight.value.scalars == [0.25, 0.25, 0.25])
        let x = try Tensor(shape: [1, 3, 2], scalars: [-1, 2, -3, 4, 5, -6])
        let y = try layer(x)
        expectTensor(y, shape: [1, 3, 2], [-0.25, 2, -0.75, 4, 5, -1.5])
        try y.sum().backward()
        // d/da_c = Σ x over the negative inputs of channel c.
        expectTensor(layer.weight.gradient!, shape: [3], [-1, -3, -6])
        #expect(try PReLU().parameterCount == 1)
    }

    @Test func badConfigurationsThrow() throws {
        #expect(thrownDescription { try PReLU(parameterCount: 0) }?.contains("PReLU") == true)
        #expect(thrownDescription { try LeakyReLU(negativeSlope: .nan) }?.contains("LeakyReLU") == true)
        #expect(thrownDescription { try ELU(alpha: .infinity) }?.contains("ELU") == true)
        #expect(thrownDescription { try PReLU(parameterCount: 4)(Tensor.zeros([1, 3, 2])) }?.contains("prelu") == true)
        _ = thrownDescription { try Softmax(axis: 3)(Tensor.zeros([1, 3, 2])) }
    }
}
