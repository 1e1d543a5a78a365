#pragma once
// SNMP messages built in BER for the SNMP plug-in's tests: v1 and v2c with a community, v1
// traps, v3 with USM security parameters, plaintext or encrypted.
#include <cstdint>
#include <string>
#include <vector>

namespace mamori::test::snmp {

using Bytes = std::vector<uint8_t>;

inline Bytes tlv(uint8_t tag, const Bytes& content) {
  Bytes b{tag};
  const size_t n = content.size();
  if (n < 0x80) {
    b.push_back(static_cast<uint8_t>(n));
  } else if (n < 0x100) {
    b.insert(b.end(), {0x81, static_cast<uint8_t>(n)});
  } else {
    b.insert(b.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  b.insert(b.end(), content.begin(), content.end());
  return b;
}
inline Bytes seq(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const Bytes& p : parts) all.insert(all.end(), p.begin(), p.end());
  return tlv(0x30, all);
}
inline Bytes integer(uint32_t v) {
  Bytes b;
  for (int shift = 24; shift > 0; shift -= 8) {
    if (!b.empty() || (v >> shift) & 0xff) b.push_back(static_cast<uint8_t>(v >> shift));
  }
  b.push_back(static_cast<uint8_t>(v));
  if (b[0] & 0x80) b.insert(b.begin(), 0);
  return tlv(0x02, b);
}
inline Bytes octets(const std::string& s) { return tlv(0x04, Bytes(s.begin(), s.end())); }
// An OID from its arcs (the first two packed as 40 * X + Y, the others base 128).
inline Bytes oid(const std::vector<uint64_t>& arcs) {
  Bytes b{static_cast<uint8_t>(arcs[0] * 40 + arcs[1])};
  for (size_t i = 2; i < arcs.size(); ++i) {
    Bytes arc{static_cast<uint8_t>(arcs[i] & 0x7f)};
    for (uint64_t v = arcs[i] >> 7; v; v >>= 7) arc.insert(arc.begin(), static_cast<uint8_t>(0x80 | (v & 0x7f)));
    b.insert(b.end(), arc.begin(), arc.end());
  }
  return tlv(0x06, b);
}
inline Bytes varBinds(const std::vector<std::vector<uint64_t>>& names) {
  Bytes all;
  for (const auto& n : names) {
    const Bytes bind = seq({oid(n), tlv(0x05, {})});  // NULL value, as in a request
    all.insert(all.end(), bind.begin(), bind.end());
  }
  return tlv(0x30, all);
}
// A PDU of context tag [type]: request-id, error-status, error-index, bindings.
inline Bytes pdu(uint8_t type, uint32_t request_id, const std::vector<std::vector<uint64_t>>& names) {
  Bytes all;
  for (const Bytes& p : {integer(request_id), integer(0), integer(0), varBinds(names)}) all.insert(all.end(), p.begin(), p.end());
  return tlv(static_cast<uint8_t>(0xa0 | type), all);
}
inline Bytes trapV1(const std::vector<uint64_t>& enterprise, const Bytes& agent, uint32_t generic,
                    const std::vector<std::vector<uint64_t>>& names) {
  Bytes all;
  for (const Bytes& p : {oid(enterprise), tlv(0x40, agent), integer(generic), integer(0), tlv(0x43, {0x01, 0x02}),
                         varBinds(names)}) {
    all.insert(all.end(), p.begin(), p.end());
  }
  return tlv(0xa4, all);
}
// v1 (version 0) or v2c (version 1).
inline Bytes community(uint32_t version, const std::string& community, const Bytes& pdu) {
  return seq({integer(version), octets(community), pdu});
}
// v3 with USM: `flags` 4 (reportable) for plaintext, 7 with privacy (the PDU then sealed).
inline Bytes v3(const std::string& user, uint8_t flags, const Bytes& pdu, uint32_t model = 3) {
  const Bytes usm = seq({octets("\x80\x00\x1f\x88\x04"), integer(1), integer(100), octets(user), octets(""), octets("")});
  const Bytes data = (flags & 2) ? octets("\x11\x22\x33\x44") : seq({octets("\x80\x00\x1f\x88\x04"), octets(""), pdu});
  return seq({integer(3), seq({integer(1234), integer(65507), octets(std::string(1, static_cast<char>(flags))), integer(model)}),
              tlv(0x04, usm), data});
}

}  // namespace mamori::test::snmp
