// The worker threads behind Parallel.forEach: they spin briefly between parallel regions instead
// of sleeping at once, so that the next region (a network at batch 1 runs one every few
// microseconds) starts without a futex wake-up of the other core.
#ifndef FOVEA_THREAD_POOL_H
#define FOVEA_THREAD_POOL_H

#ifdef __cplusplus
extern "C" {
#endif

/// One chunk of a parallel region: `chunk` in 0..<chunks.
typedef void (*fovea_chunk_fn)(void *context, long chunk);

/// Runs fn(context, i) for every i in 0..<chunks on the calling thread and up to `threads − 1`
/// pool workers, and returns 1 when all have finished. Returns 0 without running anything when
/// the pool is already running another caller's region, or when chunks or threads are out of
/// range (1 < threads ≤ 64, 0 < chunks < 65536): the caller then runs the region another way.
/// Which thread runs which chunk is not fixed; every chunk runs exactly once.
int fovea_pool_run(long chunks, int threads, fovea_chunk_fn fn, void *context);

#ifdef __cplusplus
}
#endif

#endif
