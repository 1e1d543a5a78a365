#pragma once
// Writes hand-built frames to a capture file with libpcap, for runs of `mamori run --pcap`.
#include <pcap/dlt.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mamori::test {

struct PcapFrame {
  std::vector<uint8_t> bytes;
  uint32_t wirelen = 0;  // 0: as captured
};

// Frames `gap_us` apart from 2023-11-14T22:13:20Z; false when the file cannot be written.
bool writePcapFile(const std::string& path, const std::vector<PcapFrame>& frames, int linktype = DLT_EN10MB,
                   int64_t gap_us = 1'000'000);

}  // namespace mamori::test
