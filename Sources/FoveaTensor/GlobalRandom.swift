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

    /// A generator of one's own for a block of code (see ``withSeed(_:_:)``).
    @TaskLocal private static var scoped: State?

    /// Runs `body` with its own generator started from `seed`: everything it builds draws from that
    /// generator alone, whatever other tasks or threads do with the global one meanwhile (tests that
    /// run in parallel, each building a seeded model, stay reproducible).
    public static func withSeed<R>(_ seed: UInt64, _ body: () throws -> R) rethrows -> R {
        let own = State()
        own.generator = SeededGenerator(seed: seed)
        return try $scoped.withValue(own) { try body() }
    }

    /// Runs `body` with exclusive access to the current generator: the one of an enclosing
    /// ``withSeed(_:_:)``, or the global one.
    public static func withGenerator<R>(_ body: (inout SeededGenerator) throws -> R) rethrows -> R {
        let current = scoped ?? state
        return try current.lock.withLock { try body(&current.generator) }
    }

    /// The global generator itself, to save with a checkpoint and restore on resume.
    public static var generator: SeededGenerator {
        get { withGenerator { $0 } }
        set { withGenerator { $0 = newValue } }
    }

    /// A fresh 64-bit seed drawn from the global generator (to give a component its own stream).
    public static func nextSeed() -> UInt64 { withGenerator { $0.next() } }
}
