#pragma once
// Dnp3Protocol: DNP3 (IEEE 1815) over TCP and UDP port 20000 as an app-layer plug-in: link
// frames (applayer/dnp3_link_frame.h) have their CRCs checked and removed, their transport
// segments are joined into application fragments (first and final bits), and each fragment is
// a transaction of its own (applayer/dnp3_record_writer.h): a request when the master (the
// client) sent it, a response when the outstation did. UDP: a datagram holds whole frames.
//
// Its probe, a few header bytes, is tried only on flows using port 20000
// (probesUsualPortsOnly), as Suricata registers it; nDPI's verdict names the flow anywhere.
//
// Events, on a record of their own where no fragment carries them: dnp3.bad_link_crc (a frame
// whose header CRC does not hold: the frame is dropped), dnp3.bad_transport_crc (a data block's
// CRC: the frame is dropped), dnp3.len_too_small (a link length under 5: the direction is no
// longer parsed), dnp3.too_long_reassembly (a fragment past kMaxFragment: dropped),
// dnp3.malformed (a fragment too short for its application header). Bytes that do not start a
// frame end the direction's parsing (counted), as does a gap.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class Dnp3Protocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxFragment = 8192;

  std::string_view name() const override { return "dnp3"; }
  uint8_t transports() const override { return kUdp | kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 20000; }
  bool probesUsualPortsOnly() const override { return true; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
