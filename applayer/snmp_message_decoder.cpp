#include "applayer/snmp_message_decoder.h"

#include <charconv>

#include "applayer/der_reader.h"

namespace mamori {
namespace {

constexpr uint8_t kInteger = 0x02;
constexpr uint8_t kOctetString = 0x04;
constexpr uint8_t kOid = 0x06;
constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kIpAddress = 0x40;  // [APPLICATION 0]
constexpr uint8_t kTimeTicks = 0x43;  // [APPLICATION 3]
constexpr uint8_t kFirstPdu = 0xa0, kLastPdu = 0xa8;
constexpr uint8_t kPrivacyFlag = 0x02;
constexpr uint32_t kUsmModel = 3;

std::string_view text(const DerElement& e) { return {reinterpret_cast<const char*>(e.data), e.length}; }

// A non-negative INTEGER of at most 32 bits (versions, models, trap numbers).
bool unsignedField(DerReader& r, uint32_t& out) {
  DerElement e;
  if (!r.next(kInteger, e) || e.length == 0 || e.length > 5 || (e.data[0] & 0x80)) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < e.length; ++i) v = v << 8 | e.data[i];
  if (v > UINT32_MAX) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

// An INTEGER of any value (request ids, error statuses: not kept).
bool integer(DerReader& r) {
  DerElement e;
  return r.next(kInteger, e) && e.length > 0;
}

bool octets(DerReader& r, std::string_view& out) {
  DerElement e;
  if (!r.next(kOctetString, e)) return false;
  out = text(e);
  return true;
}

// VarBindList: SEQUENCE OF SEQUENCE { name OID, value }.
bool varBinds(DerReader& r, SnmpMessage& m) {
  DerElement list, bind, name, value;
  if (!r.next(kSequence, list)) return false;
  DerReader binds(list);
  while (!binds.empty()) {
    if (!binds.next(kSequence, bind)) return false;
    DerReader fields(bind);
    if (!fields.next(kOid, name) || !fields.next(value) || !fields.empty()) return false;
    if (m.var_count < SnmpMessage::kMaxVars) m.vars[m.var_count++] = text(name);
  }
  return true;
}

bool pdu(DerReader& r, SnmpMessage& m) {
  DerElement e;
  if (r.peekTag() < kFirstPdu || r.peekTag() > kLastPdu || !r.next(e)) return false;
  m.has_pdu = true;
  m.pdu_type = static_cast<uint8_t>(e.tag - kFirstPdu);
  DerReader fields(e);
  if (m.pdu_type == SnmpMessage::kTrapV1) {
    DerElement enterprise, agent, ticks;
    uint32_t specific = 0;
    if (!fields.next(kOid, enterprise) || !fields.next(kIpAddress, agent) || agent.length != 4 ||
        !unsignedField(fields, m.generic_trap) || !unsignedField(fields, specific) || !fields.next(kTimeTicks, ticks)) {
      return false;
    }
    m.trap_enterprise = text(enterprise);
    for (size_t i = 0; i < 4; ++i) m.trap_agent[i] = agent.data[i];
  } else if (!integer(fields) || !integer(fields) || !integer(fields)) {
    return false;  // request-id, error-status / non-repeaters, error-index / max-repetitions
  }
  return varBinds(fields, m);
}

// v3: msgGlobalData, msgSecurityParameters, msgData (RFC 3412 section 6).
bool v3(DerReader& r, SnmpMessage& m) {
  DerElement global, security, usm;
  uint32_t id = 0, max_size = 0, model = 0;
  std::string_view flags;
  if (!r.next(kSequence, global)) return false;
  DerReader header(global);
  if (!unsignedField(header, id) || !unsignedField(header, max_size) || !octets(header, flags) || flags.size() != 1 ||
      !unsignedField(header, model)) {
    return false;
  }
  if (!r.next(kOctetString, security)) return false;
  m.usm = model == kUsmModel;
  if (m.usm) {
    // UsmSecurityParameters (RFC 3414 section 2.4): engine id, boots, time, user name, ...
    DerReader outer(security);
    std::string_view engine;
    uint32_t boots = 0, time = 0;
    if (!outer.next(kSequence, usm)) return false;
    DerReader params(usm);
    if (!octets(params, engine) || !unsignedField(params, boots) || !unsignedField(params, time) ||
        !octets(params, m.usm_user)) {
      return false;
    }
  }
  m.encrypted = (static_cast<uint8_t>(flags[0]) & kPrivacyFlag) != 0;
  if (m.encrypted) {
    std::string_view sealed;
    return octets(r, sealed);
  }
  DerElement scoped;
  std::string_view engine, context;
  if (!r.next(kSequence, scoped)) return false;
  DerReader fields(scoped);
  return octets(fields, engine) && octets(fields, context) && pdu(fields, m);
}

// The message SEQUENCE and its version: `fields` left at what follows the version.
bool envelope(const uint8_t* data, size_t len, DerReader& fields, uint32_t& version) {
  DerReader top(data, len);
  DerElement message;
  if (!top.next(kSequence, message)) return false;
  fields = DerReader(message);
  return unsignedField(fields, version);
}

}  // namespace

bool SnmpMessageDecoder::decode(const uint8_t* data, size_t len, SnmpMessage& out) {
  out = SnmpMessage{};
  DerReader fields(data, 0);
  uint32_t version = 0;
  if (!envelope(data, len, fields, version)) return false;
  if (version == 3) {
    out.version = 3;
    return v3(fields, out);
  }
  if (version > 1) return false;
  out.version = version + 1;
  return octets(fields, out.community) && pdu(fields, out);
}

bool SnmpMessageDecoder::looksLikeSnmp(const uint8_t* data, size_t len) {
  DerReader fields(data, 0);
  uint32_t version = 0;
  if (!envelope(data, len, fields, version)) return false;
  if (version == 3) return fields.peekTag() == kSequence;
  return version <= 1 && fields.peekTag() == kOctetString;
}

bool SnmpMessageDecoder::appendOid(std::string_view ber, std::string& out) {
  uint64_t arc = 0;
  bool first = true, open = false;
  for (char c : ber) {
    const auto b = static_cast<uint8_t>(c);
    if (arc >> 57) return false;  // seven more bits would not fit
    arc = arc << 7 | (b & 0x7f);
    open = (b & 0x80) != 0;
    if (open) continue;
    char digits[24];
    if (first) {
      // The first subidentifier packs two arcs: 40 * X + Y, X at most 2.
      const uint64_t x = arc < 80 ? arc / 40 : 2;
      out.append(digits, std::to_chars(digits, digits + sizeof(digits), x).ptr);
      out.push_back('.');
      arc -= x * 40;
      first = false;
    } else {
      out.push_back('.');
    }
    out.append(digits, std::to_chars(digits, digits + sizeof(digits), arc).ptr);
    arc = 0;
  }
  return !open && !first;
}

}  // namespace mamori
