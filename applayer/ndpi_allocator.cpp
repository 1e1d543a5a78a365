#include "applayer/ndpi_allocator.h"

#include <malloc.h>
#include <ndpi/ndpi_api.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

namespace mamori {
namespace {

thread_local AppMemory* t_memory = nullptr;
thread_local size_t* t_tally = nullptr;

void* chargedMalloc(size_t size) {
  void* p = std::malloc(size);
  if (p && t_tally) {
    const size_t bytes = malloc_usable_size(p);
    *t_tally += bytes;
    if (t_memory) t_memory->charge(bytes);
  }
  return p;
}

void chargedFree(void* p) {
  if (p && t_tally) {
    const size_t bytes = std::min(malloc_usable_size(p), *t_tally);
    *t_tally -= bytes;
    if (t_memory) t_memory->give(bytes);
  }
  std::free(p);
}

}  // namespace

void NdpiAllocator::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    set_ndpi_malloc(chargedMalloc);
    set_ndpi_free(chargedFree);
  });
}

NdpiAllocator::Scope::Scope(AppMemory* memory, size_t& tally) : outer_memory_(t_memory), outer_tally_(t_tally) {
  t_memory = memory;
  t_tally = &tally;
}

NdpiAllocator::Scope::~Scope() {
  t_memory = outer_memory_;
  t_tally = outer_tally_;
}

}  // namespace mamori
