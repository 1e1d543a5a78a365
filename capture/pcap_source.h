#pragma once
// PcapSource: libpcap as a PacketSource, over a pcap/pcapng file or a live interface
// (Linux: TPACKET_V3 memory-mapped ring, which libpcap uses unless immediate mode is set).
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

#include <pcap/pcap.h>

#include "capture/packet_source.h"

namespace mamori {

// Opening failed; what() says why in words an operator can act on.
class CaptureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LiveOptions {
  std::string bpf_filter;
  int snaplen = 65535;
  bool promiscuous = true;
  int buffer_mb = 64;
  int read_timeout_ms = 100;
};

class PcapSource final : public PacketSource {
 public:
  static std::unique_ptr<PcapSource> openFile(const std::string& path);
  static std::unique_ptr<PcapSource> openLive(const std::string& interface, const LiveOptions& options);
  ~PcapSource() override;

  ReadStatus next(RawPacket& out) override;
  void stop() override {
    // libpcap honours breakloop only on live handles; the flag covers files.
    stopped_.store(true, std::memory_order_relaxed);
    pcap_breakloop(handle_);
  }
  bool live() const override { return live_; }
  CaptureStats stats() override;
  const std::string& error() const override { return error_; }
  int linktype() const { return linktype_; }

 private:
  PcapSource(pcap_t* handle, bool live);

  pcap_t* handle_;
  bool live_;
  int linktype_;
  bool nanoseconds_;
  std::string error_;
  std::atomic<bool> stopped_{false};
};

}  // namespace mamori
