#pragma once
// xbits of one worker: a bounded open-addressing table of (bit, host or address pair)
// with the time each bit expires, made once; when a probe run is full the entry that
// expires first is reused, so memory never grows with traffic.
//
// Bits are per worker. Workers are chosen by address pair, so ip_pair bits are exact;
// a host's bits set on one worker are not seen by its flows on another, as with
// threshold by_src / by_dst.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "capture/ip_address.h"
#include "capture/packet.h"

namespace mamori {

class HostBitTable {
 public:
  explicit HostBitTable(size_t capacity);

  // `b` is an unset IpAddress for a host's bits; for a pair, both ways round are one key.
  bool isSet(uint32_t bit, const IpAddress& a, const IpAddress& b, TimeUs now);
  void set(uint32_t bit, const IpAddress& a, const IpAddress& b, TimeUs expires);
  void unset(uint32_t bit, const IpAddress& a, const IpAddress& b);

 private:
  struct Entry {
    IpAddress a, b;
    uint32_t bit = 0;
    TimeUs expires = 0;  // 0: free (never set, or unset)
  };
  // The entry holding the key, or null; `free` gets the slot a new one would take.
  Entry* find(uint32_t bit, const IpAddress& a, const IpAddress& b, Entry** free);

  std::vector<Entry> entries_;
};

}  // namespace mamori
