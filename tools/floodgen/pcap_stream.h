#pragma once
// PcapStream: writes frames to a classic pcap (DLT_EN10MB, microsecond timestamps) as
// they are made, in the order given. For captures of millions of packets that are made in
// time order already (the floods), where demogen's CaptureFile would hold them all to sort.
#include <pcap/pcap.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tools/demogen/host.h"

namespace mamori::floodgen {

class PcapStream {
 public:
  // Throws std::runtime_error with libpcap's message when the file cannot be created.
  explicit PcapStream(const std::string& path);
  void add(demogen::Micros seenAt, const demogen::Bytes& frame);
  // Throws when the file cannot be written to the end.
  void close();
  uint64_t frames() const { return frames_; }

 private:
  std::string path_;
  std::unique_ptr<pcap_t, decltype(&pcap_close)> dead_;
  std::unique_ptr<pcap_dumper_t, decltype(&pcap_dump_close)> dumper_;
  uint64_t frames_ = 0;
};

}  // namespace mamori::floodgen
