// The process-wide generator that layers draw their initial weights from, like
// `torch.manual_seed`: seed it once and every model built afterwards is reproducible.

import Foundation

/// The default source of randomness for weight initialisation and dropout.
public enum GlobalRandom {
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var generator = SeededGenerator(seed: 0)
    }
    private static let state = State()

    /// Restarts the global generator from `seed`.
    public static func seed(_ seed: UInt64) {
        state.lock.withLock { state.generator = SeededGenerator(seed: seed) }
    }

    /// Runs `body` with exclusive access to the global generator.
    public static func withGenerator<R>(_ body: (inout SeededGenerator) throws -> R) rethrows -> R {
        try state.lock.withLock { try body(&state.generator) }
    }

    /// The global generator itself, to save with a checkpoint and restore on resume.
    public static var generator: SeededGenerator {
        get { withGenerator { $0 } }
        set { withGenerator { $0 = newValue } }
    }

    /// A fresh 64-bit seed drawn from the global generator (to give a component its own stream).
    public static func nextSeed() -> UInt64 { withGenerator { $0.next() } }
}
