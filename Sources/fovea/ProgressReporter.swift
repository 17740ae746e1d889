// Progress display for long jobs: a redrawn bar on a terminal, plain periodic lines when the
// output is piped (so logs stay readable).

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows epoch, batch, running loss and accuracy, images per second and the time left.
final class ProgressReporter {
    private let isTerminal: Bool
    private let total: Int
    private let epochLabel: String
    private let start = Date()
    private var lastLine = Date.distantPast
    private let lineInterval: TimeInterval

    /// - Parameters:
    ///   - total: batches in the epoch.
    ///   - lineInterval: seconds between plain lines when not on a terminal.
    init(epoch: Int, epochs: Int, total: Int, lineInterval: TimeInterval = 10) {
        isTerminal = isatty(STDOUT_FILENO) != 0
        self.total = total
        epochLabel = "epoch \(epoch)/\(epochs)"
        self.lineInterval = lineInterval
    }

    /// Reports that `done` batches (of `images` images so far) have finished.
    func update(done: Int, images: Int, loss: Double, accuracy: Double) {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(images) / elapsed : 0
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let stats = String(format: "loss %.4f  acc %5.2f%%  %6.0f img/s  ETA %@", loss, accuracy * 100, rate, Self.duration(eta))
        if isTerminal {
            guard now.timeIntervalSince(lastLine) >= 0.1 || done == total else { return }
            lastLine = now
            let width = 24
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            print("\r\u{1B}[2K\(epochLabel) [\(bar)] \(done)/\(total)  \(stats)", terminator: "")
            if done == total { print("") }
            fflush(nil)  // nil: every stream; naming `stdout` is not concurrency-safe in Swift 6
        } else if now.timeIntervalSince(lastLine) >= lineInterval || done == total {
            lastLine = now
            print("\(epochLabel)  batch \(done)/\(total)  \(stats)")
            fflush(nil)  // nil: every stream; naming `stdout` is not concurrency-safe in Swift 6
        }
    }

    /// `1m05s`-style durations.
    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
