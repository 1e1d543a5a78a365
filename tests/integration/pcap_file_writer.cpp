#include "tests/integration/pcap_file_writer.h"

#include <pcap/pcap.h>

namespace mamori::test {

bool writePcapFile(const std::string& path, const std::vector<PcapFrame>& frames, int linktype, int64_t gap_us) {
  pcap_t* dead = pcap_open_dead(linktype, 262144);
  pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
  if (!d) {
    pcap_close(dead);
    return false;
  }
  int64_t t = 1'700'000'000'000'000;
  for (const auto& f : frames) {
    pcap_pkthdr h{};
    h.ts.tv_sec = t / 1'000'000;
    h.ts.tv_usec = t % 1'000'000;
    h.caplen = static_cast<uint32_t>(f.bytes.size());
    h.len = f.wirelen ? f.wirelen : h.caplen;
    pcap_dump(reinterpret_cast<u_char*>(d), &h, f.bytes.data());
    t += gap_us;
  }
  pcap_dump_close(d);
  pcap_close(dead);
  return true;
}

}  // namespace mamori::test
