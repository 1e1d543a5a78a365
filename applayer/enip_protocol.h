#pragma once
// EnipProtocol: EtherNet/IP explicit messaging (TCP and UDP port 44818) with CIP as an
// app-layer plug-in: each encapsulation PDU is decoded (applayer/enip_message_decoder.h) and
// paired with the request it answers into a transaction (applayer/enip_transaction_writer.h),
// whose EVE `enip` record is written when its response arrives. UDP: a datagram is one PDU
// (ListIdentity discovery). The implicit I/O of UDP port 2222 is not parsed.
//
// Its probe, a few header bytes, is tried only on flows using port 44818
// (probesUsualPortsOnly), as Suricata registers it; nDPI's verdict names the flow anywhere.
//
// Bounds: a PDU is at most its 24-byte header and 65535 bytes; at most kMaxOpen requests wait
// for responses (the oldest is written unanswered when another opens, with
// enip.too_many_transactions). A datagram shorter than its header says is malformed
// (counted). After a hole in a TCP direction, parsing resumes where the data starts with
// what the probe takes for an ENIP header.
// A response that answers none of the open requests closes the ones it passes over (written
// unanswered), as Suricata's pairing does.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class EnipProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxPdu = 24 + 0xffff;
  static constexpr size_t kMaxOpen = 32;

  std::string_view name() const override { return "enip"; }
  uint8_t transports() const override { return kUdp | kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 44818; }
  bool probesUsualPortsOnly() const override { return true; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
