#pragma once
// NdpiAllocator: charges what nDPI allocates for a flow to the worker's AppMemory. nDPI
// allocates beside its flow struct as it dissects (TLS message buffers per direction, host
// names, certificate strings): a few KiB a flow, which nothing else would count. nDPI's
// allocation hooks are process-wide, so the flow being worked on is named per thread: a
// Scope around each call into nDPI for a flow binds that flow's tally and its worker's
// budget; allocations outside any Scope (module set-up, other threads) are not charged.
//
// Sizes are malloc_usable_size's, so a block is given back exactly what it was charged. A
// free is given back only up to the flow's tally (nDPI may free a block it did not allocate
// through its hooks), and whatever the tally still holds when the flow's nDPI state is freed
// is given back then: the budget cannot drift over a sensor's lifetime. nDPI is never refused
// a block (it does not expect to be), so a worker's budget can be passed by what nDPI
// allocates while dissecting one packet (its TLS buffer grows by that packet's payload);
// AppIdentifier then makes room before nDPI sees another packet.
#include <cstddef>

#include "applayer/app_memory.h"

namespace mamori {

class NdpiAllocator {
 public:
  // Installs nDPI's hooks; idempotent, thread-safe.
  static void install();

  class Scope {
   public:
    // `tally`: the bytes charged for this flow so far; `memory` may be null (no budget).
    Scope(AppMemory* memory, size_t& tally);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    AppMemory* const outer_memory_;
    size_t* const outer_tally_;
  };
};

}  // namespace mamori
