// Learning-rate schedules: the rate as a pure function of the base rate and the step, in the
// closed forms of PyTorch's `torch.optim.lr_scheduler` (StepLR, MultiStepLR, CosineAnnealingLR,
// OneCycleLR). Being functions of the step, they need no state to checkpoint or resume: the
// step number is the schedule's position.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the learning rate changes with the step (an optimizer step or an epoch — whichever the
/// caller counts). Build one with ``constant``, ``step(every:gamma:)``,
/// ``multiStep(milestones:gamma:)``, ``cosine(totalSteps:warmupSteps:minimumRate:)`` or
/// ``oneCycle(totalSteps:pctStart:divFactor:finalDivFactor:)``; ask it with ``rate(base:step:)``
/// or set an optimizer's groups with ``apply(step:to:)``. Arithmetic is in Double, as PyTorch's
/// Python formulas are.
public struct LearningRateSchedule: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case constant
        case step(size: Int, gamma: Double)
        case multiStep(milestones: [Int], gamma: Double)
        case cosine(totalSteps: Int, warmupSteps: Int, minimumRate: Double)
        case oneCycle(totalSteps: Int, pctStart: Double, divFactor: Double, finalDivFactor: Double)
    }
    let kind: Kind

    /// The base rate throughout.
    public static let constant = LearningRateSchedule(kind: .constant)

    /// PyTorch's `StepLR`: `base · gamma^⌊step / every⌋`.
    /// - Parameters:
    ///   - every: the number of steps between decays, ≥ 1.
    ///   - gamma: the factor applied at each decay, finite and ≥ 0.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` naming a bad value.
    public static func step(every: Int, gamma: Float = 0.1) throws -> LearningRateSchedule {
        guard every >= 1 else { throw invalid("step", "step size \(every) must be ≥ 1") }
        try checkFactor(gamma, "gamma", "step")
        return LearningRateSchedule(kind: .step(size: every, gamma: Double(gamma)))
    }

    /// PyTorch's `MultiStepLR`: `base · gamma^(number of milestones ≤ step)`.
    /// - Parameters:
    ///   - milestones: the steps at which the rate is multiplied by `gamma`, each ≥ 0 (any order).
    ///   - gamma: the factor, finite and ≥ 0.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` naming a bad value.
    public static func multiStep(milestones: [Int], gamma: Float = 0.1) throws -> LearningRateSchedule {
        if let bad = milestones.first(where: { $0 < 0 }) { throw invalid("multiStep", "milestone \(bad) must be ≥ 0") }
        try checkFactor(gamma, "gamma", "multiStep")
        return LearningRateSchedule(kind: .multiStep(milestones: milestones.sorted(), gamma: Double(gamma)))
    }

    /// Linear warm-up then cosine annealing (the rule of Hugging Face's
    /// `get_cosine_schedule_with_warmup`, which is PyTorch's `CosineAnnealingLR` closed form after
    /// the warm-up): for `step < warmupSteps`, `base · step / warmupSteps`; then
    /// `min + (base − min) · ½(1 + cos(π · (step − warmupSteps) / (totalSteps − warmupSteps)))`,
    /// holding `min` after `totalSteps`. Without warm-up this is SGDR without restarts.
    /// - Parameters:
    ///   - totalSteps: the length of the run, ≥ 1.
    ///   - warmupSteps: the length of the linear ramp, in 0..<totalSteps.
    ///   - minimumRate: the rate reached at the end (PyTorch's `eta_min`), finite and ≥ 0.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` naming a bad value.
    public static func cosine(totalSteps: Int, warmupSteps: Int = 0, minimumRate: Float = 0) throws -> LearningRateSchedule {
        guard totalSteps >= 1 else { throw invalid("cosine", "total steps \(totalSteps) must be ≥ 1") }
        guard warmupSteps >= 0, warmupSteps < totalSteps else {
            throw invalid("cosine", "warm-up steps \(warmupSteps) must be in 0..<\(totalSteps) (the total)")
        }
        try checkFactor(minimumRate, "minimum rate", "cosine")
        return LearningRateSchedule(kind: .cosine(totalSteps: totalSteps, warmupSteps: warmupSteps, minimumRate: Double(minimumRate)))
    }

    /// PyTorch's `OneCycleLR` with cosine annealing and two phases (Smith & Topin 2017), the base
    /// rate being `max_lr`: from `base / divFactor` up to `base` over the first
    /// `pctStart · totalSteps − 1` steps, then down to `base / divFactor / finalDivFactor` at step
    /// `totalSteps − 1`, each phase following `end + (start − end) · ½(1 + cos(π · pct))`.
    /// Steps past the end hold the final rate (PyTorch raises instead).
    /// - Parameters:
    ///   - totalSteps: the length of the cycle, ≥ 2.
    ///   - pctStart: the fraction of the cycle spent increasing the rate, in (0, 1).
    ///   - divFactor: initial rate = base / divFactor, finite and > 0.
    ///   - finalDivFactor: final rate = initial rate / finalDivFactor, finite and > 0.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` naming a bad value.
    public static func oneCycle(totalSteps: Int, pctStart: Double = 0.3, divFactor: Double = 25,
                                finalDivFactor: Double = 1e4) throws -> LearningRateSchedule {
        guard totalSteps >= 2 else { throw invalid("oneCycle", "total steps \(totalSteps) must be ≥ 2") }
        guard pctStart.isFinite, pctStart > 0, pctStart < 1 else { throw invalid("oneCycle", "pctStart \(pctStart) must be in (0, 1)") }
        for (name, value) in [("divFactor", divFactor), ("finalDivFactor", finalDivFactor)] {
            guard value.isFinite, value > 0 else { throw invalid("oneCycle", "\(name) \(value) must be finite and > 0") }
        }
        return LearningRateSchedule(kind: .oneCycle(totalSteps: totalSteps, pctStart: pctStart, divFactor: divFactor,
                                                    finalDivFactor: finalDivFactor))
    }

    /// The learning rate at `step` (0-based; negative steps count as 0) for a group whose base rate is `base`.
    public func rate(base: Float, step: Int) -> Float {
        let base = Double(base), step = Swift.max(step, 0)
        switch kind {
        case .constant:
            return Float(base)
        case let .step(size, gamma):
            return Float(base * pow(gamma, Double(step / size)))
        case let .multiStep(milestones, gamma):
            return Float(base * pow(gamma, Double(milestones.count(where: { $0 <= step }))))
        case let .cosine(total, warmup, minimum):
            if step < warmup { return Float(base * Double(step) / Double(warmup)) }
            let progress = Double(Swift.min(step, total) - warmup) / Double(total - warmup)
            return Float(minimum + (base - minimum) * 0.5 * (1 + cos(Double.pi * progress)))
        case let .oneCycle(total, pctStart, divFactor, finalDivFactor):
            let initial = base / divFactor, final = initial / finalDivFactor
            let step = Double(Swift.min(step, total - 1))
            let peakStep = pctStart * Double(total) - 1, lastStep = Double(total - 1)
            let (start, end, from, to) = step <= peakStep ? (0, peakStep, initial, base) : (peakStep, lastStep, base, final)
            let pct = end > start ? (step - start) / (end - start) : 1
            return Float(to + (from - to) / 2 * (cos(Double.pi * pct) + 1))
        }
    }

    /// Sets each group's learning rate to this schedule's rate at `step` for the group's initial rate,
    /// as PyTorch's schedulers do with each group's `initial_lr`.
    public func apply(step: Int, to optimizer: some GroupedOptimizer) {
        optimizer.learningRates = optimizer.initialLearningRates.map { rate(base: $0, step: step) }
    }

    private static func invalid(_ schedule: String, _ reason: String) -> TensorError {
        TensorError.invalidArgument(operation: "LearningRateSchedule.\(schedule)", reason: reason)
    }

    private static func checkFactor(_ value: Float, _ name: String, _ schedule: String) throws {
        guard value.isFinite, value >= 0 else { throw invalid(schedule, "\(name) \(value) must be finite and ≥ 0") }
    }
}
