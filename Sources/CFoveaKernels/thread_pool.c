// The worker threads behind Parallel.forEach (see fovea_thread_pool.h).
//
// A region is published as one 64-bit "claim" word: generation (24 bits) | helpers (8) |
// chunks (16) | next chunk (16). The owner writes the chunk function, then stores the word;
// every thread takes chunks by compare-and-swap on it, so a successful claim also makes the
// function visible (the CAS reads the owner's store) and a worker that woke for an older
// region sees a different generation and takes nothing. Workers spin on the word for a while
// after each region (GoogLeNet at batch 1 starts a region every few microseconds; a sleeping
// worker costs a futex wake-up each time, a fifth of a small layer's time) and then sleep on a
// condition variable. One caller owns the pool at a time; others get 0 and run their region
// elsewhere.
#include "CFoveaKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

enum {
    MAX_HELPERS = 63,
    MAX_CHUNKS = 65535,
    SPIN_NANOSECONDS = 200000,  // after a region, before sleeping
};

static _Atomic uint64_t claim;         // the current region, see above
static _Atomic long finished;          // chunks of the current region done
static _Atomic int owned;              // 1 while a caller runs a region
static _Atomic int sleeping;           // workers waiting on `wake`
static fovea_chunk_fn job_fn;          // written by the owner before `claim`
static void *job_context;
static int started;                    // workers created (by owners only)
static uint32_t generation;            // by owners only
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static inline uint32_t claim_generation(uint64_t c) { return (uint32_t)(c >> 40); }
static inline int claim_helpers(uint64_t c) { return (int)((c >> 32) & 0xff); }
static inline long claim_chunks(uint64_t c) { return (long)((c >> 16) & 0xffff); }
static inline long claim_next(uint64_t c) { return (long)(c & 0xffff); }

static inline void pause_briefly(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static long long now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/// Takes and runs chunks of region `gen` until none is left (or the region is another one).
static void run_chunks(uint32_t gen) {
    uint64_t c = atomic_load_explicit(&claim, memory_order_acquire);
    while (claim_generation(c) == gen && claim_next(c) < claim_chunks(c)) {
        if (atomic_compare_exchange_weak_explicit(&claim, &c, c + 1, memory_order_acquire, memory_order_acquire)) {
            job_fn(job_context, claim_next(c));
            atomic_fetch_add_explicit(&finished, 1, memory_order_release);
            c = atomic_load_explicit(&claim, memory_order_acquire);
        }
    }
}

static void *worker_main(void *argument) {
    const int index = (int)(intptr_t)argument;
    fovea_thread_flag_set(FOVEA_SLOT_IN_PARALLEL, 1);  // a chunk never fans out again
    uint32_t seen = claim_generation(atomic_load(&claim));
    for (;;) {
        uint64_t c = atomic_load_explicit(&claim, memory_order_acquire);
        if (claim_generation(c) == seen) {
            long long deadline = now_nanoseconds() + SPIN_NANOSECONDS;
            int spins = 0;
            while (claim_generation(c = atomic_load_explicit(&claim, memory_order_acquire)) == seen) {
                pause_briefly();
                if (++spins % 256 == 0 && now_nanoseconds() > deadline) {
                    pthread_mutex_lock(&lock);
                    atomic_fetch_add(&sleeping, 1);  // seq_cst: pairs with the owner's store, then load of `sleeping`
                    while (claim_generation(c = atomic_load(&claim)) == seen) pthread_cond_wait(&wake, &lock);
                    atomic_fetch_sub(&sleeping, 1);
                    pthread_mutex_unlock(&lock);
                    break;
                }
            }
        }
        seen = claim_generation(c);
        if (index < claim_helpers(c)) run_chunks(seen);
    }
    return NULL;
}

/// Starts workers until there are `helpers`; returns how many there are.
static int start_workers(int helpers) {
    while (started < helpers) {
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attributes, 8u << 20);  // Swift code runs in the chunks
        pthread_t thread;
        int failed = pthread_create(&thread, &attributes, worker_main, (void *)(intptr_t)started);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        started += 1;
    }
    return started;
}

int fovea_pool_run(long chunks, int threads, fovea_chunk_fn fn, void *context) {
    if (chunks < 1 || chunks > MAX_CHUNKS || threads < 2 || threads - 1 > MAX_HELPERS || fn == NULL) return 0;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&owned, &expected, 1)) return 0;
    int helpers = start_workers(threads - 1);
    if (helpers > threads - 1) helpers = threads - 1;
    job_fn = fn;
    job_context = context;
    atomic_store_explicit(&finished, 0, memory_order_relaxed);
    generation = (generation + 1) & 0xffffff;
    uint64_t c = ((uint64_t)generation << 40) | ((uint64_t)helpers << 32) | ((uint64_t)chunks << 16);
    atomic_store(&claim, c);  // seq_cst: pairs with a worker's increment, then load, of `sleeping`
    if (atomic_load(&sleeping) > 0) {
        pthread_mutex_lock(&lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&lock);
    }
    run_chunks(generation);
    // Every chunk is claimed; wait for the workers' to finish (yielding if one was preempted).
    for (long spins = 0; atomic_load_explicit(&finished, memory_order_acquire) < chunks; spins++) {
        if (spins < (1 << 16)) pause_briefly(); else sched_yield();
    }
    atomic_store_explicit(&owned, 0, memory_order_release);
    return 1;
}
