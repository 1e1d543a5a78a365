#pragma once
// The one source of variation in the demo capture. splitmix64 with plain modulo, because
// std::uniform_int_distribution may differ between standard libraries and the same seed
// must give a byte-identical file everywhere.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace mamori::demogen {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Inclusive on both ends.
  int64_t between(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(next() % static_cast<uint64_t>(high - low + 1));
  }

  bool percent(int chance) { return between(0, 99) < chance; }

  template <class T>
  T& pick(std::vector<T>& items) {
    return items[static_cast<size_t>(between(0, static_cast<int64_t>(items.size()) - 1))];
  }

  template <class T>
  void shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<size_t>(between(0, static_cast<int64_t>(i) - 1))]);
    }
  }

  void fill(uint8_t* out, size_t length) {
    for (size_t i = 0; i < length; ++i) out[i] = static_cast<uint8_t>(next());
  }

 private:
  uint64_t state_;
};

}  // namespace mamori::demogen
