#include "correlate/ordered_chains.h"

#include <algorithm>

namespace mamori {

OrderedChains::OrderedChains(size_t inputs) : inputs_(static_cast<uint32_t>(inputs)), start_(inputs * inputs) {}

void OrderedChains::push(uint32_t stages) {
  const uint64_t at = ++pushed_;  // 1 + the event's position
  // Inputs from the last down: input i reads only inputs before it, which still hold the
  // chains from before this event.
  for (uint32_t i = inputs_; i-- > 0;) {
    if (!(stages & (uint32_t{1} << i))) continue;
    uint64_t* row = &start_[i * inputs_];
    row[0] = at;
    for (uint32_t l = 1; l <= i; ++l) {
      uint64_t best = row[l];
      for (uint32_t j = l - 1; j < i; ++j) best = std::max(best, start_[j * inputs_ + l - 1]);
      row[l] = best;
    }
  }
}

void OrderedChains::pop() { ++popped_; }

void OrderedChains::clear() {
  pushed_ = popped_ = 0;
  std::fill(start_.begin(), start_.end(), 0);
}

uint32_t OrderedChains::longest() const {
  uint32_t best = 0;
  for (uint32_t i = 0; i < inputs_; ++i) {
    for (uint32_t l = i + 1; l > best; --l) {
      if (start_[i * inputs_ + l - 1] > popped_) {
        best = l;
        break;
      }
    }
  }
  return best;
}

}  // namespace mamori
