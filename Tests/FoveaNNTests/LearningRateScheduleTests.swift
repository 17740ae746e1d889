// Learning-rate schedules at chosen steps against PyTorch's closed forms (the expected numbers
// were also printed by torch 2.15's StepLR, MultiStepLR, CosineAnnealingLR and OneCycleLR stepped
// alongside an SGD optimizer), plus validation and applying a schedule to parameter groups.

import Foundation
import FoveaNN
import Testing

@Suite struct LearningRateScheduleTests {
    func rates(_ schedule: LearningRateSchedule, base: Float = 0.1, steps: [Int]) -> [Float] {
        steps.map { schedule.rate(base: base, step: $0) }
    }

    func close(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-7 + 1e-6 * abs($1) }
    }

    @Test func constantKeepsTheBase() {
        #expect(rates(.constant, steps: [0, 1, 1000]) == [0.1, 0.1, 0.1])
    }

    /// StepLR(step_size 3, gamma 0.5): 0.1 · 0.5^⌊step/3⌋ → 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025.
    @Test func stepDecaysEveryNSteps() throws {
        #expect(close(rates(try .step(every: 3, gamma: 0.5), steps: Array(0...6)), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]))
    }

    /// MultiStepLR(milestones [5, 2], gamma 0.1): 0.1 · 0.1^#(milestones ≤ step) → 0.1 before 2,
    /// 0.01 from 2, 0.001 from 5 (milestone order does not matter).
    @Test func multiStepDecaysAtMilestones() throws {
        let schedule = try LearningRateSchedule.multiStep(milestones: [5, 2], gamma: 0.1)
        #expect(close(rates(schedule, steps: [0, 1, 2, 4, 5, 100]), [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]))
    }

    /// CosineAnnealingLR(T_max 10, eta_min 0.001): 0.001 + 0.099 · ½(1 + cos(π·t/10)).
    /// t = 1: 0.001 + 0.0495·(1 + 0.951057) = 0.0975773; t = 5: 0.0505; t = 9: 0.0034227; t ≥ 10: 0.001.
    @Test func cosineMatchesCosineAnnealingLR() throws {
        let schedule = try LearningRateSchedule.cosine(totalSteps: 10, minimumRate: 0.001)
        #expect(close(rates(schedule, steps: [0, 1, 5, 9, 10, 50]), [0.1, 0.09757730, 0.0505, 0.003422702, 0.001, 0.001]))
    }

    /// Warm-up 2 of 10 steps: 0.1·t/2 for t < 2 (0, 0.05), then ½(1 + cos(π·(t − 2)/8))·0.1:
    /// t = 2: 0.1; t = 6: 0.05; t = 9: 0.1·½(1 + cos(7π/8)) = 0.0038060; t = 10 and later: 0.
    @Test func cosineWithWarmupRampsLinearlyFirst() throws {
        let schedule = try LearningRateSchedule.cosine(totalSteps: 10, warmupSteps: 2)
        #expect(close(rates(schedule, steps: [0, 1, 2, 6, 9, 10, 11]), [0, 0.05, 0.1, 0.05, 0.003806023, 0, 0]))
    }

    /// Without warm-up, the rule `fovea train --schedule cosine` has always used, bit for bit:
    /// base · ½(1 + cos(π · step / total)) in Double.
    @Test func cosineWithoutWarmupIsTheClassicFormula() throws {
        let schedule = try LearningRateSchedule.cosine(totalSteps: 937)
        for step in [0, 1, 100, 468, 900, 937] {
            let expected = Float(Double(Float(0.05)) * 0.5 * (1 + cos(Double.pi * Double(step) / 937)))
            #expect(schedule.rate(base: 0.05, step: step) == expected)
        }
    }

    /// OneCycleLR(max_lr 0.1, total_steps 100), defaults pct_start 0.3, div_factor 25,
    /// final_div_factor 1e4: initial 0.1/25 = 0.004, final 0.004/1e4 = 4e-7, peak at step
    /// 0.3·100 − 1 = 29. Phase 1 (t ≤ 29): 0.1 + (0.004 − 0.1)/2·(cos(π·t/29) + 1);
    /// t = 10: 0.1 − 0.048·(1 + cos(0.344828π)) = 0.0295164. Phase 2: 4e-7 + (0.1 − 4e-7)/2·
    /// (cos(π·(t − 29)/70) + 1); t = 30: 0.0999497; t = 50: 0.0793893; t = 99: 4e-7.
    @Test func oneCycleMatchesOneCycleLR() throws {
        let schedule = try LearningRateSchedule.oneCycle(totalSteps: 100)
        #expect(close(rates(schedule, steps: [0, 10, 29, 30, 50, 99, 150]),
                      [0.004, 0.02951639, 0.1, 0.09994965, 0.07938935, 4e-7, 4e-7]))
        // A short cycle: 10 steps, peak at 0.3·10 − 1 = 2 → 0.004, 0.052, 0.1, then down.
        let short = try LearningRateSchedule.oneCycle(totalSteps: 10)
        #expect(close(rates(short, steps: [0, 1, 2, 3, 5, 9]), [0.004, 0.052, 0.1, 0.09504846, 0.06112620, 4e-7]))
    }

    /// Each group follows the schedule from its own initial rate, as PyTorch's `initial_lr`.
    @Test func applySetsEveryGroupFromItsInitialRate() throws {
        let a = Parameter(Tensor([1])), b = Parameter(Tensor([1]))
        let adam = try Adam(groups: [ParameterGroup([a]), ParameterGroup([b], learningRate: 0.01)], learningRate: 0.1)
        let schedule = try LearningRateSchedule.step(every: 1, gamma: 0.5)
        schedule.apply(step: 2, to: adam)
        #expect(close(adam.learningRates, [0.025, 0.0025]))
        schedule.apply(step: 0, to: adam)
        #expect(close(adam.learningRates, [0.1, 0.01]))
    }

    @Test func invalidSchedulesAreRefusedNamingTheValue() {
        func message(_ body: () throws -> LearningRateSchedule) -> String {
            do { _ = try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { try .step(every: 0) }.contains("step size 0"))
        #expect(message { try .step(every: 2, gamma: .nan) }.contains("gamma nan"))
        #expect(message { try .multiStep(milestones: [3, -1]) }.contains("milestone -1"))
        #expect(message { try .cosine(totalSteps: 0) }.contains("total steps 0"))
        #expect(message { try .cosine(totalSteps: 10, warmupSteps: 10) }.contains("warm-up steps 10"))
        #expect(message { try .cosine(totalSteps: 10, minimumRate: -1) }.contains("minimum rate -1.0"))
        #expect(message { try .oneCycle(totalSteps: 100, pctStart: 1.5) }.contains("pctStart 1.5"))
        #expect(message { try .oneCycle(totalSteps: 100, divFactor: 0) }.contains("divFactor 0.0"))
        #expect(message { try .oneCycle(totalSteps: 1) }.contains("total steps 1"))
    }
}
