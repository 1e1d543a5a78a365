#include "tools/floodgen/pcap_stream.h"

#include <stdexcept>

namespace mamori::floodgen {

PcapStream::PcapStream(const std::string& path)
    : path_(path), dead_(pcap_open_dead(DLT_EN10MB, 65535), &pcap_close), dumper_(nullptr, &pcap_dump_close) {
  if (!dead_) throw std::runtime_error("pcap_open_dead failed");
  dumper_.reset(pcap_dump_open(dead_.get(), path.c_str()));
  if (!dumper_) throw std::runtime_error(path + ": " + pcap_geterr(dead_.get()));
}

void PcapStream::add(demogen::Micros seenAt, const demogen::Bytes& frame) {
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(seenAt / 1'000'000);
  header.ts.tv_usec = static_cast<suseconds_t>(seenAt % 1'000'000);
  header.caplen = static_cast<bpf_u_int32>(frame.size());
  header.len = header.caplen;
  pcap_dump(reinterpret_cast<u_char*>(dumper_.get()), &header, frame.data());
  ++frames_;
}

void PcapStream::close() {
  if (pcap_dump_flush(dumper_.get()) != 0) throw std::runtime_error(path_ + ": write failed");
  dumper_.reset();
}

}  // namespace mamori::floodgen
