#pragma once
// Cuts DNS messages out of one direction of a TCP stream (RFC 1035 4.2.2: each message is
// preceded by its length in two bytes). Stream chunks may end anywhere: in a length
// prefix, in a message, or hold several messages. One per flow direction.
//
// A message lying whole inside a chunk is handed out in place; only one split across
// chunks is copied, into a buffer that grows to the largest such message (at most 65535
// bytes, the largest the prefix can announce) within the worker's AppMemory and is then
// reused. A split message the budget has no room for is skipped and counted.
//
// After a gap the stream's framing is lost: gap() drops the partial message and the framer
// reads the next byte as the start of a length prefix. If the gap cut a message, what
// follows is misread until a parser rejects it; resynchronising on DNS-looking bytes is
// left out, as mid-stream DNS over TCP after loss is rare and a misread costs one bad parse.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "applayer/app_memory.h"

namespace mamori {

class DnsTcpFramer {
 public:
  struct Counters {
    uint64_t messages = 0;          // handed to onMessage
    uint64_t empty_messages = 0;    // a zero length prefix: nothing to hand out
    uint64_t partials_dropped = 0;  // gap() met a started prefix or message
    uint64_t memcap_skipped = 0;    // split messages skipped: the worker's app-layer memory was spent
  };

  // `memory`: the budget the buffer grows in; null for none.
  explicit DnsTcpFramer(AppMemory* memory = nullptr) : buffer_(memory) {}

  // Calls onMessage(const uint8_t* msg, size_t msg_len) for every message the chunk
  // completes, in stream order; msg is valid only during the call.
  template <typename F>
  void feed(const uint8_t* data, size_t len, F&& onMessage);
  void gap();

  const Counters& counters() const { return counters_; }

 private:
  uint8_t prefix_[2] = {0, 0};
  uint8_t prefix_have_ = 0;
  size_t need_ = 0;  // length of the message being buffered (0: none)
  size_t have_ = 0;
  size_t skip_ = 0;  // bytes of a skipped message still to come
  BudgetedBuffer buffer_;
  Counters counters_;
};

template <typename F>
void DnsTcpFramer::feed(const uint8_t* data, size_t len, F&& onMessage) {
  while (len) {
    if (skip_) {
      const size_t take = std::min(len, skip_);
      skip_ -= take;
      data += take;
      len -= take;
      continue;
    }
    if (need_ == 0) {
      if (prefix_have_ == 0 && len >= 2) {
        const size_t n = static_cast<size_t>(data[0]) << 8 | data[1];
        if (len - 2 >= n) {
          data += 2;
          len -= 2;
          if (n) {
            ++counters_.messages;
            onMessage(static_cast<const uint8_t*>(data), n);
          } else {
            ++counters_.empty_messages;
          }
          data += n;
          len -= n;
          continue;
        }
      }
      prefix_[prefix_have_++] = *data++;
      --len;
      if (prefix_have_ < 2) continue;
      prefix_have_ = 0;
      need_ = static_cast<size_t>(prefix_[0]) << 8 | prefix_[1];
      have_ = 0;
      if (need_ == 0) {
        ++counters_.empty_messages;
        continue;
      }
      if (!buffer_.reserve(need_, 65535)) {
        ++counters_.memcap_skipped;
        skip_ = need_;
        need_ = 0;
        continue;
      }
      if (buffer_.bytes().size() < need_) buffer_.bytes().resize(need_);
      continue;
    }
    const size_t take = std::min(len, need_ - have_);
    std::memcpy(buffer_.bytes().data() + have_, data, take);
    have_ += take;
    data += take;
    len -= take;
    if (have_ == need_) {
      need_ = 0;
      ++counters_.messages;
      onMessage(static_cast<const uint8_t*>(buffer_.bytes().data()), have_);
    }
  }
}

}  // namespace mamori
