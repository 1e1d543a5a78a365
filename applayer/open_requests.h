#pragma once
// OpenRequests: a protocol plug-in's requests still waiting for their responses (EtherNet/IP,
// Modbus), oldest first, at most N. Slots keep their storage (a request's EVE text) when they
// are freed, so a steady flow reuses them without allocating.
#include <array>
#include <cstddef>
#include <utility>

namespace mamori {

template <typename Request, size_t N>
class OpenRequests {
 public:
  size_t size() const { return count_; }
  bool full() const { return count_ == N; }
  Request& operator[](size_t i) { return slots_[i]; }
  const Request& operator[](size_t i) const { return slots_[i]; }

  // A slot for a new request, after the others; the caller makes room first when full().
  Request& open() { return slots_[count_++]; }

  // Frees request `i`, keeping the others in the order they opened.
  void close(size_t i) {
    for (; i + 1 < count_; ++i) std::swap(slots_[i], slots_[i + 1]);
    --count_;
  }

 private:
  std::array<Request, N> slots_;
  size_t count_ = 0;
};

}  // namespace mamori
