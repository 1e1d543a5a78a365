#include "bench/memory_source.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace mamori::bench {

MemorySource::MemorySource(const std::string& path, int replays) : replays_(replays) {
  std::ifstream in(path, std::ios::binary);
  file_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (file_.empty()) throw std::runtime_error(path + ": cannot read");
  // One pass to learn the capture's size and time span.
  open();
  pcap_pkthdr* h;
  const u_char* d;
  TimeUs first = -1, last = 0;
  while (pcap_next_ex(pcap_, &h, &d) == 1) {
    TimeUs ts = TimeUs(h->ts.tv_sec) * 1000000 + h->ts.tv_usec;
    if (first < 0) first = ts;
    last = std::max(last, ts);
    ++packets_;
    wire_bytes_ += h->len;
  }
  shift_ = (last - first) + 3600LL * 1000000;
  open();
}

MemorySource::~MemorySource() { close(); }

void MemorySource::close() {
  if (pcap_) pcap_close(pcap_);  // closes stream_ too
  pcap_ = nullptr;
  stream_ = nullptr;
}

void MemorySource::open() {
  close();
  stream_ = fmemopen(file_.data(), file_.size(), "rb");
  char err[PCAP_ERRBUF_SIZE];
  pcap_ = stream_ ? pcap_fopen_offline_with_tstamp_precision(stream_, PCAP_TSTAMP_PRECISION_MICRO, err) : nullptr;
  if (!pcap_) throw std::runtime_error(std::string("cannot read the capture from memory: ") + err);
  linktype_ = pcap_datalink(pcap_);
}

ReadStatus MemorySource::next(RawPacket& out) {
  if (stopped_) return ReadStatus::End;
  pcap_pkthdr* h;
  const u_char* d;
  while (pcap_next_ex(pcap_, &h, &d) != 1) {
    if (++replay_ >= replays_) return ReadStatus::End;
    open();
  }
  out.data = d;
  out.caplen = h->caplen;
  out.wirelen = h->len;
  out.ts = TimeUs(h->ts.tv_sec) * 1000000 + h->ts.tv_usec + replay_ * shift_;
  out.linktype = linktype_;
  return ReadStatus::Packet;
}

}  // namespace mamori::bench
