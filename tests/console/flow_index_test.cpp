// FlowIndex against std::map on the console's own pattern (each record's flow put, the
// oldest let go in order) and on colliding ids, through growth and backward-shift erases.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <utility>

#include "console/flow_index.h"

namespace mamori {
namespace {

void expectSame(const FlowIndex& index, const std::map<std::pair<uint32_t, uint64_t>, uint64_t>& want,
                const std::vector<FlowRef>& asked) {
  EXPECT_EQ(index.size(), want.size());
  for (const FlowRef& f : asked) {
    const auto it = want.find({f.host, f.id});
    const uint64_t* got = index.find(f);
    if (it == want.end()) {
      EXPECT_EQ(got, nullptr) << f.host << "/" << f.id;
    } else {
      ASSERT_NE(got, nullptr) << f.host << "/" << f.id;
      EXPECT_EQ(*got, it->second);
    }
  }
}

TEST(FlowIndex, FollowsAMapOverAWindowOfRecords) {
  std::mt19937_64 random(12);
  FlowIndex index;
  std::map<std::pair<uint32_t, uint64_t>, uint64_t> want;
  std::deque<std::pair<FlowRef, uint64_t>> held;  // (flow, seq) oldest first
  std::vector<FlowRef> flows;
  // Small ids and two hosts: many flows share a home slot, and one id is two flows.
  for (uint64_t seq = 1; seq <= 60000; ++seq) {
    const FlowRef f{static_cast<uint32_t>(random() % 2), 1 + random() % 9000};
    flows.push_back(f);
    const uint64_t before = index.put(f, seq);
    auto [it, added] = want.try_emplace({f.host, f.id}, seq);
    EXPECT_EQ(before, added ? 0 : it->second);
    it->second = seq;
    held.emplace_back(f, seq);
    if (held.size() > 5000) {
      const auto [old, old_seq] = held.front();
      held.pop_front();
      index.eraseIf(old, old_seq);
      if (auto w = want.find({old.host, old.id}); w != want.end() && w->second == old_seq) want.erase(w);
    }
  }
  flows.push_back(FlowRef{0, 999999});
  expectSame(index, want, flows);
  EXPECT_EQ(index.find(FlowRef{0, 0}), nullptr) << "flow id 0 is no flow";
}

TEST(FlowIndex, GrowsAndEmptiesAgain) {
  FlowIndex index;
  std::vector<FlowRef> flows;
  for (uint64_t i = 1; i <= 100000; ++i) flows.push_back(FlowRef{7, i * 1024});  // ids alike in their low bits
  for (uint64_t i = 0; i < flows.size(); ++i) index.put(flows[i], i + 1);
  EXPECT_EQ(index.size(), flows.size());
  for (uint64_t i = 0; i < flows.size(); i += 2) index.eraseIf(flows[i], i + 1);
  for (uint64_t i = 1; i < flows.size(); i += 2) index.eraseIf(flows[i], 0);  // not its value: stays
  EXPECT_EQ(index.size(), flows.size() / 2);
  for (uint64_t i = 0; i < flows.size(); ++i) {
    const uint64_t* v = index.find(flows[i]);
    if (i % 2) {
      ASSERT_NE(v, nullptr);
      EXPECT_EQ(*v, i + 1);
    } else {
      EXPECT_EQ(v, nullptr);
    }
  }
  for (uint64_t i = 1; i < flows.size(); i += 2) index.eraseIf(flows[i], i + 1);
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace mamori
