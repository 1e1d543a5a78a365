#include "capture/pcap_source.h"

#include <sys/stat.h>

namespace mamori {

PcapSource::PcapSource(pcap_t* handle, bool live)
    : handle_(handle),
      live_(live),
      linktype_(pcap_datalink(handle)),
      nanoseconds_(pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO) {}

PcapSource::~PcapSource() { pcap_close(handle_); }

std::unique_ptr<PcapSource> PcapSource::openFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw CaptureError("cannot open capture file '" + path + "': no such file");
  if (S_ISDIR(st.st_mode)) throw CaptureError("cannot open capture file '" + path + "': it is a directory");
  char err[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* h = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  if (!h) throw CaptureError("cannot read capture file '" + path + "': " + err);
  return std::unique_ptr<PcapSource>(new PcapSource(h, false));
}

std::unique_ptr<PcapSource> PcapSource::openLive(const std::string& interface, const LiveOptions& o) {
  char err[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* h = pcap_create(interface.c_str(), err);
  if (!h) throw CaptureError("cannot capture on interface '" + interface + "': " + err);
  pcap_set_snaplen(h, o.snaplen);
  pcap_set_promisc(h, o.promiscuous ? 1 : 0);
  pcap_set_timeout(h, o.read_timeout_ms);
  pcap_set_buffer_size(h, o.buffer_mb << 20);
  pcap_set_tstamp_precision(h, PCAP_TSTAMP_PRECISION_MICRO);
  int rc = pcap_activate(h);
  if (rc < 0) {
    std::string why = rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface"
                      : rc == PCAP_ERROR_PERM_DENIED  ? "permission denied (capture needs root or CAP_NET_RAW)"
                      : rc == PCAP_ERROR_IFACE_NOT_UP ? "interface is down"
                                                      : pcap_geterr(h);
    pcap_close(h);
    throw CaptureError("cannot capture on interface '" + interface + "': " + why);
  }
  if (!o.bpf_filter.empty()) {
    bpf_program prog;
    if (pcap_compile(h, &prog, o.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 ||
        pcap_setfilter(h, &prog) != 0) {
      std::string why = pcap_geterr(h);
      pcap_close(h);
      throw CaptureError("bad capture filter '" + o.bpf_filter + "': " + why);
    }
    pcap_freecode(&prog);
  }
  return std::unique_ptr<PcapSource>(new PcapSource(h, true));
}

ReadStatus PcapSource::next(RawPacket& out) {
  if (stopped_.load(std::memory_order_relaxed)) return ReadStatus::End;
  pcap_pkthdr* hdr;
  const u_char* data;
  int rc = pcap_next_ex(handle_, &hdr, &data);
  switch (rc) {
    case 1:
      out.data = data;
      out.caplen = hdr->caplen;
      out.wirelen = hdr->len;
      out.ts = TimeUs(hdr->ts.tv_sec) * 1000000 + (nanoseconds_ ? hdr->ts.tv_usec / 1000 : hdr->ts.tv_usec);
      out.linktype = linktype_;
      return ReadStatus::Packet;
    case 0:
      return ReadStatus::Idle;
    case PCAP_ERROR_BREAK:
      return ReadStatus::End;
    default:
      error_ = pcap_geterr(handle_);
      return ReadStatus::Error;
  }
}

CaptureStats PcapSource::stats() {
  CaptureStats s;
  pcap_stat ps;
  if (live_ && pcap_stats(handle_, &ps) == 0) {
    s.available = true;
    s.kernel_packets = ps.ps_recv;
    s.kernel_drops = ps.ps_drop;
    s.interface_drops = ps.ps_ifdrop;
  }
  return s;
}

}  // namespace mamori
