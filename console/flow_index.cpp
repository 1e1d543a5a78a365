#include "console/flow_index.h"

namespace mamori {

size_t FlowIndex::home(uint64_t id, uint32_t host) const {
  // splitmix64's finaliser: a sensor's flow ids are hashes already, a replay's or a test's
  // may be counters.
  uint64_t x = id ^ (uint64_t(host) << 40);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<size_t>(x) & (slots_.size() - 1);
}

size_t FlowIndex::slotOf(FlowRef flow) const {
  const size_t mask = slots_.size() - 1;
  size_t i = home(flow.id, flow.host);
  while (slots_[i].id != 0 && (slots_[i].id != flow.id || slots_[i].host != flow.host)) i = (i + 1) & mask;
  return i;
}

const uint64_t* FlowIndex::find(FlowRef flow) const {
  if (flow.id == 0) return nullptr;
  const Slot& s = slots_[slotOf(flow)];
  return s.id ? &s.value : nullptr;
}

uint64_t FlowIndex::put(FlowRef flow, uint64_t value) {
  if (flow.id == 0) return 0;
  if (2 * (size_ + 1) > slots_.size()) grow();
  Slot& s = slots_[slotOf(flow)];
  const uint64_t before = s.id ? s.value : 0;
  if (!s.id) {
    s.id = flow.id;
    s.host = flow.host;
    ++size_;
  }
  s.value = value;
  return before;
}

void FlowIndex::eraseIf(FlowRef flow, uint64_t value) {
  if (flow.id == 0) return;
  size_t hole = slotOf(flow);
  if (!slots_[hole].id || slots_[hole].value != value) return;
  // Backward shift: each later slot of the run that may live in the hole moves into it, so
  // no lookup's probe stops short at a gap.
  const size_t mask = slots_.size() - 1;
  for (size_t j = (hole + 1) & mask; slots_[j].id; j = (j + 1) & mask) {
    const size_t want = home(slots_[j].id, slots_[j].host);
    // Slot j may fill the hole unless its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (hole < want && want <= j) : (hole < want || want <= j);
    if (!stays) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot{};
  --size_;
}

void FlowIndex::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  for (const Slot& s : old) {
    if (s.id) slots_[slotOf(FlowRef{s.host, s.id})] = s;
  }
}

}  // namespace mamori
