#pragma once
// The measure of a temporal_ordered group, kept up to date as events join and leave
// instead of walking the window on every event: the longest chain of the group's events
// whose rules come in the rule's order, each event after the one before (an event that
// several of the rules selected stands for one of them, and only extends chains of
// events before it).
//
// Events join at the back (the latest) and leave at the front (the oldest), as a window
// slides. For each input i and length l it keeps the latest-starting chain of l events
// ending with an event of input i; a chain lasts while its first event is in the window,
// since the rest of it came later. An event that joins anywhere but the back needs
// clear() and the window pushed again.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mamori {

class OrderedChains {
 public:
  explicit OrderedChains(size_t inputs = 0);

  // An event at the back; bit i of `stages`: input i selected it.
  void push(uint32_t stages);
  // The oldest event leaves.
  void pop();
  // Nothing in the window.
  void clear();
  uint32_t longest() const;

 private:
  uint32_t inputs_ = 0;
  uint64_t pushed_ = 0, popped_ = 0;  // events that joined; of them, left
  // start_[i * inputs_ + l - 1]: 1 + the position (in pushed_ order) of the first event of
  // the latest-starting chain of l events ending with input i; 0 when there is none.
  std::vector<uint64_t> start_;
};

}  // namespace mamori
