// The FP32 FMA peak of this machine, measured: the yardstick every kernel benchmark is read against.
//
// The probe (CFoveaKernels/gemm_cpu.c) runs twelve independent FMA chains on the same vector width
// as the active SGEMM micro-kernel, enough to hide FMA latency on current x86-64 cores. Two vCPUs
// need not give twice one core's throughput (SMT siblings share FMA units), hence both numbers.

import CFoveaKernels
import Dispatch

/// Measured floating-point peak (fused multiply-add) of the CPU Fovea runs on.
public enum ComputePeak {
    /// GFLOP/s of FP32 FMAs on the active micro-kernel's vector width, counting 2 FLOPs per lane.
    ///
    /// With `threads > 1`, that many probes run at once through ``Parallel`` and the result is their
    /// total rate (inside a parallel region, or with `Parallel.threadCount == 1`, they run one
    /// after the other, which measures one core). Best of three timings of about `seconds` each.
    /// - Parameters:
    ///   - threads: probes run concurrently (values below 1 count as 1).
    ///   - seconds: approximate duration of one timing.
    public static func measureGFLOPS(threads: Int = 1, seconds: Double = 0.1) -> Double {
        let isa = GEMMKernel.active.isa
        let chunks = max(1, threads)
        // Calibrate: iterations for roughly `seconds` on one thread.
        var sink: Float = 0
        let probeIterations = 200_000
        let start = DispatchTime.now().uptimeNanoseconds
        let probeFlops = fovea_fma_probe(isa, probeIterations, 1.0, &sink)
        let probeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let rate = probeFlops / max(probeSeconds, 1e-9)
        let iterations = max(1000, Int(seconds * rate / (probeFlops / Double(probeIterations))))

        var best = 0.0
        for _ in 0..<3 {
            let sinks = UnsafeMutablePointer<Float>.allocate(capacity: chunks)
            let flops = UnsafeMutablePointer<Double>.allocate(capacity: chunks)
            defer { sinks.deallocate(); flops.deallocate() }
            let t0 = DispatchTime.now().uptimeNanoseconds
            Parallel.forEach(chunks) { i in
                flops[i] = fovea_fma_probe(isa, iterations, 1.0 + Float(i), sinks + i)
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
            let total = (0..<chunks).reduce(0.0) { $0 + flops[$1] }
            best = max(best, total / elapsed * 1e-9)
        }
        return best
    }

    /// The SGEMM micro-kernel in use, e.g. "avx512-fma 14x32" (see ``GEMMKernel``).
    public static var gemmKernelName: String { GEMMKernel.activeName }
}
