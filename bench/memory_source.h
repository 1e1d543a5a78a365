#pragma once
// MemorySource: a capture file loaded into memory once and read by libpcap from there
// (fmemopen), `replays` times over, so a benchmark measures libpcap and the pipeline, not
// the disk. Each replay is shifted forward in packet time by more than any flow timeout,
// so its flows are new flows, as on a live link.
#include <pcap/pcap.h>

#include <cstdio>
#include <string>
#include <vector>

#include "capture/packet_source.h"

namespace mamori::bench {

class MemorySource final : public PacketSource {
 public:
  MemorySource(const std::string& pcap_path, int replays);
  ~MemorySource() override;

  ReadStatus next(RawPacket& out) override;
  void stop() override { stopped_ = true; }
  bool live() const override { return false; }
  CaptureStats stats() override { return {}; }
  const std::string& error() const override { return error_; }

  uint64_t packetsPerReplay() const { return packets_; }
  uint64_t wireBytesPerReplay() const { return wire_bytes_; }
  size_t fileBytes() const { return file_.size(); }

 private:
  void open();
  void close();

  std::vector<char> file_;
  FILE* stream_ = nullptr;
  pcap_t* pcap_ = nullptr;
  int linktype_ = 0;
  int replays_;
  int replay_ = 0;
  TimeUs shift_ = 0;
  uint64_t packets_ = 0, wire_bytes_ = 0;
  bool stopped_ = false;
  std::string error_;
};

}  // namespace mamori::bench
