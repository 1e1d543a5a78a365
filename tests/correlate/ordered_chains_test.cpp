#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>

#include "correlate/ordered_chains.h"

namespace mamori {
namespace {

// The longest in-order chain, walking the whole window as the engine did before it kept
// OrderedChains: length[i] is the longest chain ending with an event of input i.
uint32_t walk(const std::deque<uint32_t>& window, uint32_t inputs) {
  std::vector<uint32_t> length(inputs, 0);
  for (uint32_t stages : window) {
    std::vector<uint32_t> next = length;
    for (uint32_t i = 0; i < inputs; ++i) {
      if (!(stages & (uint32_t{1} << i))) continue;
      uint32_t best = 0;
      for (uint32_t j = 0; j < i; ++j) best = std::max(best, length[j]);
      next[i] = std::max(next[i], best + 1);
    }
    length = next;
  }
  return *std::max_element(length.begin(), length.end());
}

TEST(OrderedChains, ChainEndsWhenItsFirstEventLeaves) {
  OrderedChains chains(3);
  chains.push(0b001);  // a
  chains.push(0b010);  // b
  chains.push(0b100);  // c
  EXPECT_EQ(chains.longest(), 3u);
  chains.pop();  // a leaves: b, c remain
  EXPECT_EQ(chains.longest(), 2u);
  chains.push(0b001);  // a after c starts nothing new before it
  EXPECT_EQ(chains.longest(), 2u);
  chains.pop();
  chains.pop();
  EXPECT_EQ(chains.longest(), 1u);
  chains.pop();
  EXPECT_EQ(chains.longest(), 0u);
}

TEST(OrderedChains, LaterStartingChainOutlivesAnEarlierOne) {
  OrderedChains chains(2);
  chains.push(0b01);  // a1
  chains.push(0b01);  // a2
  chains.push(0b10);  // b: chains a1-b and a2-b
  chains.pop();       // a1 leaves, a2-b holds
  EXPECT_EQ(chains.longest(), 2u);
}

TEST(OrderedChains, AnEventOfSeveralInputsDoesNotExtendItself) {
  OrderedChains chains(3);
  chains.push(0b111);
  EXPECT_EQ(chains.longest(), 1u);
  chains.push(0b111);
  EXPECT_EQ(chains.longest(), 2u);
  chains.clear();
  EXPECT_EQ(chains.longest(), 0u);
  chains.push(0b100);
  chains.push(0b011);
  EXPECT_EQ(chains.longest(), 1u);  // c before a or b is out of order
}

TEST(OrderedChains, AgreesWithWalkingTheWindow) {
  std::mt19937 rng(5);
  for (uint32_t inputs : {2u, 3u, 5u, 32u}) {
    OrderedChains chains(inputs);
    std::deque<uint32_t> window;
    const uint32_t all = inputs == 32 ? ~uint32_t{0} : (uint32_t{1} << inputs) - 1;
    for (int step = 0; step < 20'000; ++step) {
      if (!window.empty() && (rng() % 3 == 0 || window.size() > 40)) {
        window.pop_front();
        chains.pop();
      } else {
        // Mostly one input, sometimes several, as events that several rules select.
        uint32_t stages = rng() % 4 ? uint32_t{1} << (rng() % inputs) : static_cast<uint32_t>(rng()) & all;
        if (!stages) stages = 1;
        window.push_back(stages);
        chains.push(stages);
      }
      ASSERT_EQ(chains.longest(), window.empty() ? 0u : walk(window, inputs)) << "inputs " << inputs << " step " << step;
    }
  }
}

}  // namespace
}  // namespace mamori
