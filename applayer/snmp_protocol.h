#pragma once
// SnmpProtocol: SNMP v1, v2c and v3 over UDP 161 (agents) and 162 (traps) as an app-layer
// plug-in. Each datagram is one message and one record (EVE `snmp`, a transaction of its own
// as Suricata counts them), decoded by SnmpMessageDecoder and written by
// SnmpTransactionWriter. A datagram that does not decode is counted as malformed and makes a
// record of its own, inspected but not logged, carrying snmp.malformed_data (as Suricata
// raises it). The probe (the BER envelope and version) is tried on flows using port 161 or 162
// only, as Suricata registers its SNMP parser.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class SnmpProtocol final : public AppProtocol {
 public:
  std::string_view name() const override { return "snmp"; }
  uint8_t transports() const override { return kUdp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 161 || port == 162; }
  bool probesUsualPortsOnly() const override { return true; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
