// Ctrl-C during training: the first SIGINT raises a flag the loop checks after each step (it
// then saves a checkpoint and exits 0); a second one ends the process at once.

import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A SIGINT flag, safe to read from the training loop while a dispatch queue sets it.
final class InterruptSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    private var source: (any DispatchSourceSignal)?

    /// Starts catching SIGINT (the default action, ending the process, is turned off).
    func install() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in
            let again = lock.withLock { defer { raised = true }; return raised }
            if again {
                FileHandle.standardError.write(Data("\ninterrupted twice: stopping without saving\n".utf8))
                exit(130)
            }
        }
        source.resume()
        self.source = source
    }

    /// Whether SIGINT has arrived.
    var isRaised: Bool { lock.withLock { raised } }
}
