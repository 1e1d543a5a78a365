#include "tools/demogen/capture_file.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace mamori::demogen {

void CaptureFile::add(Micros seenAt, Bytes frame) {
  frames_.push_back(Entry{seenAt, frames_.size(), std::move(frame)});
}

void CaptureFile::write(const std::string& path) {
  std::sort(frames_.begin(), frames_.end(), [](const Entry& a, const Entry& b) {
    return a.seenAt != b.seenAt ? a.seenAt < b.seenAt : a.order < b.order;
  });

  std::unique_ptr<pcap_t, decltype(&pcap_close)> dead(pcap_open_dead(DLT_EN10MB, 65535), &pcap_close);
  if (!dead) throw std::runtime_error("pcap_open_dead failed");
  std::unique_ptr<pcap_dumper_t, decltype(&pcap_dump_close)> dumper(pcap_dump_open(dead.get(), path.c_str()),
                                                                      &pcap_dump_close);
  if (!dumper) throw std::runtime_error(path + ": " + pcap_geterr(dead.get()));

  for (const Entry& entry : frames_) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(entry.seenAt / 1'000'000);
    header.ts.tv_usec = static_cast<suseconds_t>(entry.seenAt % 1'000'000);
    header.caplen = static_cast<bpf_u_int32>(entry.frame.size());
    header.len = header.caplen;
    pcap_dump(reinterpret_cast<u_char*>(dumper.get()), &header, entry.frame.data());
  }
  if (pcap_dump_flush(dumper.get()) != 0) throw std::runtime_error(path + ": write failed");
}

}  // namespace mamori::demogen
