// Selection of the SGEMM micro-kernel: CPU detection once, plus an override for tests and benches.
//
// The micro-kernels themselves are C (Sources/CFoveaKernels/gemm_microkernels.c); this file only
// decides which one `sgemm` calls and what register block (MR×NR) the packing must produce.

import CFoveaKernels
import Foundation

/// The micro-kernels `sgemm` can run on. `.automatic` picks the widest the CPU and OS support.
public enum GEMMKernel: Sendable, Equatable, CaseIterable {
    case automatic, portable, avx2, avx512

    /// Forces `sgemm` onto a given micro-kernel for the whole process (`fovea bench --kernel`);
    /// inside `withOverride` the scoped choice wins.
    /// An ISA the machine lacks falls back to the best supported one below it.
    public static var override: GEMMKernel {
        get { scopedChoice ?? state.lock.withLock { state.choice } }
        set { state.lock.withLock { state.choice = newValue } }
    }

    /// Runs `body` with `kernel` as the micro-kernel for the work it starts from this task
    /// (including its parallel chunks), leaving the process-wide choice and other tasks alone.
    public static func withOverride<Result>(_ kernel: GEMMKernel, _ body: () throws -> Result) rethrows -> Result {
        try $scopedChoice.withValue(kernel, operation: body)
    }

    @TaskLocal static var scopedChoice: GEMMKernel?

    /// The name and register block of the micro-kernel `sgemm` uses now, e.g. "avx512-fma 14x32".
    public static var activeName: String { active.name }

    /// True when this CPU and OS can run the given micro-kernel natively.
    public static func isSupported(_ kernel: GEMMKernel) -> Bool {
        fovea_cpu_supports(kernel.isa) != 0
    }

    /// The resolved micro-kernel for the current override.
    static var active: MicroKernel { resolved[override.index] }

    private var isa: Int32 {
        switch self {
        case .automatic: Int32(FOVEA_ISA_AUTO.rawValue)
        case .portable: Int32(FOVEA_ISA_PORTABLE.rawValue)
        case .avx2: Int32(FOVEA_ISA_AVX2.rawValue)
        case .avx512: Int32(FOVEA_ISA_AVX512.rawValue)
        }
    }
    private var index: Int { GEMMKernel.allCases.firstIndex(of: self) ?? 0 }

    private final class State: @unchecked Sendable {  // every access holds `lock`
        let lock = NSLock()
        var choice = GEMMKernel.automatic
    }
    private static let state = State()
    /// CPUID is slow under a hypervisor, so each choice is resolved once, in `allCases` order.
    private static let resolved: [MicroKernel] = allCases.map { MicroKernel(fovea_sgemm_kernel($0.isa)) }
}

/// A C micro-kernel with its register block. Immutable; the function pointer is a plain C
/// function, safe to call from any thread.
struct MicroKernel: @unchecked Sendable {
    let call: fovea_sgemm_ukernel_fn
    /// Rows of a C tile (A is packed in panels of `mr` rows).
    let mr: Int
    /// Columns of a C tile (B is packed in panels of `nr` columns).
    let nr: Int
    let isa: Int32
    let name: String

    init(_ k: FoveaSGEMMKernel) {
        guard let f = k.kernel else { preconditionFailure("CFoveaKernels returned no micro-kernel") }
        call = f
        mr = Int(k.mr)
        nr = Int(k.nr)
        isa = k.isa
        name = String(cString: k.name)
    }
}
