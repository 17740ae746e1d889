// Per-thread flags used by the Swift thread pool and the autodiff tape.
#include "CFoveaKernels.h"

static _Thread_local int fovea_flags[FOVEA_SLOT_COUNT];

int fovea_thread_flag_get(int slot) {
    if (slot < 0 || slot >= FOVEA_SLOT_COUNT) return 0;
    return fovea_flags[slot];
}

void fovea_thread_flag_set(int slot, int value) {
    if (slot < 0 || slot >= FOVEA_SLOT_COUNT) return;
    fovea_flags[slot] = value;
}
