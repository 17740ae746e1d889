// Learning-rate schedules: the rate as a function of the optimizer step.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the learning rate changes over a run of `totalSteps` optimizer steps.
public enum LearningRateSchedule: String, Sendable, CaseIterable {
    /// The base rate throughout.
    case constant
    /// Cosine annealing from the base rate to 0 over the run (Loshchilov & Hutter's SGDR without
    /// restarts): `base · ½(1 + cos(π · step / totalSteps))`.
    case cosine

    /// The rate for `step` (0-based) of `totalSteps`.
    public func rate(base: Float, step: Int, totalSteps: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .cosine:
            guard totalSteps > 0 else { return base }
            let progress = Double(Swift.min(Swift.max(step, 0), totalSteps)) / Double(totalSteps)
            return Float(Double(base) * 0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
