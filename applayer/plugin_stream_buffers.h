#pragma once
// PluginStreamBuffers: the TCP side of a protocol plug-in's parser whose messages may span
// segments (applayer/app_protocol.h). Whole messages in a segment are decoded in place; only
// a message's unfinished tail is kept, per direction, at most `most` bytes, charged to the
// AppMemory. A direction that outgrows the bound or the budget, that the decoder gives up on,
// or that has a gap is not parsed any further (the first two counted as malformed); its
// buffer is given back at once.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "applayer/app_memory.h"
#include "applayer/app_protocol.h"
#include "capture/direction.h"

namespace mamori {

class PluginStreamBuffers {
 public:
  PluginStreamBuffers(AppMemory* memory, size_t most) : most_(most), pending_{BudgetedBuffer(memory), BudgetedBuffer(memory)} {}

  // `dir`'s next bytes. `consume(data, len)` decodes the whole messages at the start of
  // `data` and returns how many bytes they took; it may giveUp() on the direction.
  template <typename Consume>
  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink, Consume&& consume) {
    const int d = static_cast<int>(dir);
    if (broken_[d]) return;
    std::vector<uint8_t>& held = pending_[d].bytes();
    if (held.empty()) {
      const size_t used = consume(data, len);
      if (!broken_[d]) keep(d, data + used, len - used, sink);
      return;
    }
    if (!keep(d, data, len, sink)) return;
    const size_t used = consume(held.data(), held.size());
    if (!broken_[d]) held.erase(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(used));
  }

  void onGap(Direction dir) {
    const int d = static_cast<int>(dir);
    broken_[d] = true;
    pending_[d].release();
  }

  // Drops what `dir` holds and parses it again from its next bytes: for a protocol that can
  // tell where its next message starts after a gap (a DCE/RPC PDU header).
  void restart(Direction dir) {
    onGap(dir);
    broken_[static_cast<int>(dir)] = false;
  }

  // Counts the direction's data as malformed and parses no more of it.
  void giveUp(Direction dir, ProtocolSink& sink) {
    sink.malformed();
    onGap(dir);
  }

 private:
  // Appends to what the direction holds, within `most_` and the budget; false (the direction
  // given up) when it cannot.
  bool keep(int d, const uint8_t* data, size_t len, ProtocolSink& sink) {
    if (len == 0) return true;
    BudgetedBuffer& pending = pending_[d];
    const size_t held = pending.bytes().size();
    if (held + len > most_ || !pending.reserve(held + len, most_)) {
      giveUp(static_cast<Direction>(d), sink);
      return false;
    }
    pending.bytes().insert(pending.bytes().end(), data, data + len);
    return true;
  }

  const size_t most_;
  BudgetedBuffer pending_[2];
  bool broken_[2] = {false, false};
};

}  // namespace mamori
