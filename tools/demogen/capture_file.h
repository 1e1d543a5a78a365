#pragma once
// Collects frames from every conversation, each stamped with when the tap saw it, and
// writes them in time order as a classic pcap (DLT_EN10MB, microsecond timestamps).
// Conversations are generated one after another but overlap in time; sorting here lets
// each of them keep its own clock.
#include <string>
#include <vector>

#include "tools/demogen/host.h"

namespace mamori::demogen {

class CaptureFile {
 public:
  void add(Micros seenAt, Bytes frame);
  size_t frameCount() const { return frames_.size(); }
  // Throws std::runtime_error with libpcap's message when the file cannot be written.
  void write(const std::string& path);

 private:
  struct Entry {
    Micros seenAt;
    uint64_t order;  // ties keep generation order, which is causal within a conversation
    Bytes frame;
  };
  std::vector<Entry> frames_;
};

}  // namespace mamori::demogen
