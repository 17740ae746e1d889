// Parameter groups: the decay / no-decay split of a model's named parameters, and groups with
// their own learning rate and weight decay inside Adam, AdamW and RMSprop.

import FoveaNN
import Testing

@Suite struct ParameterGroupTests {
    func model() throws -> Sequential {
        Sequential(try Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3), ReLU(), Flatten(),
                   try Linear(inputFeatures: 2, outputFeatures: 3))
    }

    @Test func biasesGoToTheNoDecayGroup() throws {
        let net = try model()
        let groups = net.weightDecayGroups(weightDecay: 0.05)
        let named = Dictionary(uniqueKeysWithValues: net.namedParameters.map { ($0.name, ObjectIdentifier($0.parameter)) })
        #expect(groups.count == 2)
        #expect(groups[0].parameters.map(ObjectIdentifier.init) == [named["0.weight"], named["3.weight"]])
        #expect(groups[1].parameters.map(ObjectIdentifier.init) == [named["0.bias"], named["3.bias"]])
        #expect(groups[0].weightDecay == 0.05 && groups[1].weightDecay == 0)
        // A custom rule: exempt everything in layer 3.
        let custom = net.weightDecayGroups { name, _ in name.hasPrefix("3.") }
        #expect(custom[0].parameters.count == 2 && custom[0].weightDecay == nil)
    }

    /// With zero gradients, AdamW's step is only the decoupled decay p ·= 1 − lr·wd = 1 − 0.1·0.5:
    /// weights shrink by 5 %, biases (no-decay group) stay exactly as they were.
    @Test func adamWDecaysOnlyTheDecayGroup() throws {
        let net = try model()
        let before = net.namedParameters.map { ($0.name, $0.parameter.value.scalars) }
        let adamW = try AdamW(groups: net.weightDecayGroups(weightDecay: 0.5), learningRate: 0.1)
        #expect(adamW.weightDecays == [0.5, 0])
        for p in net.parameters { try (p.value * 0).sum().backward() }
        adamW.step()
        for ((name, old), (_, parameter)) in zip(before, net.namedParameters) {
            let expected = name.hasSuffix("weight") ? old.map { $0 * 0.95 } : old
            #expect(zip(parameter.value.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(name)")
        }
    }

    /// Group 0 uses the default rate 0.1, group 1 its own 0.01: one Adam step moves each
    /// parameter by its rate (m̂/√v̂ = 1 on the first step).
    @Test func groupsKeepTheirOwnLearningRates() throws {
        let a = Parameter(Tensor([1])), b = Parameter(Tensor([1]))
        let adam = try Adam(groups: [ParameterGroup([a]), ParameterGroup([b], learningRate: 0.01)], learningRate: 0.1)
        #expect(adam.learningRates == [0.1, 0.01] && adam.initialLearningRates == [0.1, 0.01])
        try (a.value * 2 + b.value * 3).sum().backward()
        adam.step()
        #expect(abs(a.value.scalars[0] - 0.9) < 1e-6 && abs(b.value.scalars[0] - 0.99) < 1e-6)
        adam.setLearningRate(0.5)
        #expect(adam.learningRates == [0.5, 0.5] && adam.initialLearningRates == [0.1, 0.01])
    }

    /// SGD with groups: with zero gradients a step is p −= lr·wd·p = 0.1·0.5·p on weights only;
    /// `learningRate` sets every group.
    @Test func sgdTakesGroupsToo() throws {
        let net = try model()
        let before = net.stateDict()
        let sgd = try SGD(groups: net.weightDecayGroups(weightDecay: 0.5), learningRate: 0.1, momentum: 0.9)
        #expect(sgd.parameters.count == 4 && sgd.weightDecays == [0.5, 0])
        for p in net.parameters { try (p.value * 0).sum().backward() }
        sgd.step()
        for (name, value) in net.stateDict() {
            let expected = name.hasSuffix("weight") ? before[name]!.scalars.map { $0 * 0.95 } : before[name]!.scalars
            #expect(zip(value.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(name)")
        }
        sgd.learningRate = 0.01
        #expect(sgd.learningRates == [0.01, 0.01] && sgd.learningRate == 0.01)
    }

    @Test func invalidGroupSettingsNameTheGroup() {
        let p = Parameter(Tensor([1]))
        do {
            _ = try RMSprop(groups: [ParameterGroup([]), ParameterGroup([p], learningRate: -1)])
            Issue.record("a negative group learning rate was accepted")
        } catch {
            #expect("\(error)".contains("learning rate of group 1 -1.0"))
        }
        #expect(throws: TensorError.self) { try AdamW(groups: [ParameterGroup([p], weightDecay: .nan)]) }
        #expect(throws: TensorError.self) { try Adam(groups: [ParameterGroup([p]), ParameterGroup([p])]) }
    }
}
