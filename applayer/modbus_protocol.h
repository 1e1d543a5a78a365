#pragma once
// ModbusProtocol: Modbus/TCP (TCP port 502) as an app-layer plug-in: each ADU is framed by its
// MBAP length, decoded (applayer/modbus_message_decoder.h) as a request when the client sent it
// and a response when the server did, as Suricata reads them, and paired with the request it
// answers into a transaction (applayer/modbus_transaction_writer.h) whose EVE `modbus` record is
// written when its response arrives.
//
// Its probe, a few header bytes, is tried only on flows using port 502
// (probesUsualPortsOnly), as Suricata registers it; nDPI's verdict names the flow anywhere.
//
// Bounds: an ADU is at most 6 + 65535 bytes held (a valid one is at most 260); at most kMaxOpen
// requests wait for responses (the oldest is written unanswered when another opens, with
// modbus.flooded). Bytes that are not an ADU (a protocol identifier other than 0, a length
// under 2) or an ADU too short for its function are malformed (counted) and end the
// direction's parsing, as does a gap.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class ModbusProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxOpen = 32;

  std::string_view name() const override { return "modbus"; }
  uint8_t transports() const override { return kTcp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 502; }
  bool probesUsualPortsOnly() const override { return true; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
