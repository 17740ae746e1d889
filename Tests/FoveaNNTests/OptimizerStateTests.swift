// Optimizer state export and import: an optimizer rebuilt from another's exported state takes
// exactly the same next steps; mismatched state is refused naming the tensor. Also the random
// generators' exported state, which checkpoints store.

import FoveaNN
import Testing

@Suite struct OptimizerStateTests {
    /// Two parameters with a fixed gradient per step (the gradient of Σ c·p is c).
    func step(_ optimizer: any Optimizer, _ parameters: [Parameter], _ c: Float) throws {
        optimizer.zeroGradients()
        for p in parameters { try (p.value * c).sum().backward() }
        optimizer.step()
    }

    func makeParameters() -> [Parameter] { [Parameter(Tensor([1, -2, 3])), Parameter(Tensor([0.5]))] }

    @Test(arguments: ["sgd", "adam", "adamw", "amsgrad", "rmsprop"])
    func restoredStateContinuesBitForBit(kind: String) throws {
        func make(_ parameters: [Parameter]) throws -> any StatefulOptimizer {
            switch kind {
            case "sgd": try SGD(parameters: parameters, learningRate: 0.1, momentum: 0.9, nesterov: true)
            case "adam": try Adam(parameters: parameters, learningRate: 0.1)
            case "adamw": try AdamW(parameters: parameters, learningRate: 0.1, weightDecay: 0.1)
            case "amsgrad": try Adam(parameters: parameters, learningRate: 0.1, amsgrad: true)
            default: try RMSprop(parameters: parameters, learningRate: 0.1, momentum: 0.5, centered: true)
            }
        }
        let original = makeParameters(), optimizer = try make(original)
        for c: Float in [0.5, -1] { try step(optimizer, original, c) }
        let state = optimizer.stateTensors()
        #expect(state.keys.contains("0.step") && state.keys.contains("1.step"), "\(state.keys.sorted())")

        let copy = makeParameters()
        for (p, q) in zip(copy, original) { try p.assign(q.value) }
        let restored = try make(copy)
        try restored.loadStateTensors(state)
        for c: Float in [0.25, 2] {
            try step(optimizer, original, c)
            try step(restored, copy, c)
        }
        for (p, q) in zip(copy, original) { #expect(p.value.scalars == q.value.scalars, "\(kind)") }
    }

    @Test func mismatchedStateIsRefusedNamingTheTensor() throws {
        let parameters = makeParameters()
        let optimizer = try Adam(parameters: parameters)
        try step(optimizer, parameters, 1)
        var state = optimizer.stateTensors()
        let fresh = try Adam(parameters: makeParameters())

        var wrongShape = state
        wrongShape["1.exp_avg"] = Tensor([1, 2])
        #expect(throws: CheckpointError.shapeMismatch(name: "1.exp_avg", expected: [1], found: [2])) { try fresh.loadStateTensors(wrongShape) }
        var missing = state
        missing["0.exp_avg_sq"] = nil
        #expect(throws: CheckpointError.missingTensor(name: "0.exp_avg_sq")) { try fresh.loadStateTensors(missing) }
        state["5.exp_avg"] = Tensor([1])
        #expect(throws: CheckpointError.unexpectedTensor(name: "5.exp_avg")) { try fresh.loadStateTensors(state) }
        #expect(fresh.stateTensors().isEmpty, "a refused load changes nothing")
    }

    @Test func generatorStateRoundTrips() throws {
        var generator = SeededGenerator(seed: 9)
        _ = generator.nextNormal()  // leaves a cached normal sample in the state
        var copy = try #require(SeededGenerator(state: generator.state))
        for _ in 0..<5 { #expect(copy.nextNormal() == generator.nextNormal()) }
        #expect(copy.next() == generator.next())
        #expect(SeededGenerator(state: [0, 0, 0, 0, 0, 0]) == nil)
        #expect(SeededGenerator(state: [1, 2, 3]) == nil)
    }
}
