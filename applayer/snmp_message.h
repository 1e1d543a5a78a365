#pragma once
// SnmpMessage: one SNMP message (v1 RFC 1157, v2c RFC 1901/3416, v3 RFC 3412/3414) as
// SnmpMessageDecoder reads it: what Suricata logs and its keywords inspect. Byte fields view
// the datagram, so a message is good only while its datagram is.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mamori {

struct SnmpMessage {
  // PDU types: the context tag's number ([0] GetRequest ... [8] Report).
  static constexpr uint8_t kTrapV1 = 4;
  // Variable bindings kept (their names); a message's further bindings are read, not kept.
  static constexpr size_t kMaxVars = 64;

  uint32_t version = 0;  // 1, 2 (v2c) or 3, as Suricata numbers them
  std::string_view community;  // v1 and v2c
  // v3: the USM user name; whether the security model is USM (3); whether the scoped PDU is
  // encrypted (msgFlags' privacy bit), when no PDU is read.
  std::string_view usm_user;
  bool usm = false;
  bool encrypted = false;

  bool has_pdu = false;
  uint8_t pdu_type = 0;
  // A v1 trap's generic-trap, enterprise OID (its BER content octets) and agent address.
  uint32_t generic_trap = 0;
  std::string_view trap_enterprise;
  std::array<uint8_t, 4> trap_agent{};
  // The variable bindings' names, as BER OID content octets, the first kMaxVars of them.
  std::array<std::string_view, kMaxVars> vars{};
  size_t var_count = 0;
};

}  // namespace mamori
