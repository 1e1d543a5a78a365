#include "applayer/ldap_message_decoder.h"

#include <cstdint>

#include "applayer/der_reader.h"

namespace mamori {
namespace {

constexpr uint8_t kBoolean = 0x01;
constexpr uint8_t kInteger = 0x02;
constexpr uint8_t kOctetString = 0x04;
constexpr uint8_t kEnumerated = 0x0a;
constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kSet = 0x31;
constexpr uint8_t kControls = 0xa0;  // [0] Controls OPTIONAL after the protocolOp
constexpr uint8_t kClassMask = 0xc0;
constexpr uint8_t kApplication = 0x40;
constexpr uint8_t kConstructed = 0x20;

constexpr uint8_t contextPrimitive(unsigned n) { return static_cast<uint8_t>(0x80 | n); }
constexpr uint8_t contextConstructed(unsigned n) { return static_cast<uint8_t>(0xa0 | n); }

std::string_view text(const DerElement& e) { return std::string_view(reinterpret_cast<const char*>(e.data), e.length); }

// A non-negative INTEGER or ENUMERATED of at most four content octets (RFC 4511's values fit).
bool unsignedOf(const DerElement& e, uint32_t& out) {
  if (e.length == 0 || e.length > 5 || (e.data[0] & 0x80)) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < e.length; ++i) v = v << 8 | e.data[i];
  if (v > UINT32_MAX) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

bool unsignedField(DerReader& r, uint8_t tag, uint32_t& out) {
  DerElement e;
  return r.next(tag, e) && unsignedOf(e, out);
}

bool stringField(DerReader& r, uint8_t tag, std::string_view& out) {
  DerElement e;
  if (!r.next(tag, e)) return false;
  out = text(e);
  return true;
}

bool skip(DerReader& r) {
  DerElement e;
  return r.next(e);
}

void addAttributeType(LdapMessage& m, std::string_view type) {
  if (m.attribute_type_count < LdapMessage::kMaxAttributeTypes) m.attribute_types[m.attribute_type_count++] = type;
}

// SEQUENCE OF SEQUENCE { type AttributeDescription, ... }: an entry's, an add's attributes,
// and (with the modification wrapped once more) a modify's changes.
bool attributeList(DerReader& r, LdapMessage& m, bool changes) {
  DerElement list, item, inner;
  if (!r.next(kSequence, list)) return false;
  DerReader items(list);
  while (!items.empty()) {
    if (!items.next(kSequence, item)) return false;
    DerReader fields(item);
    if (changes) {
      uint32_t operation = 0;
      if (!unsignedField(fields, kEnumerated, operation) || !fields.next(kSequence, inner)) return false;
      fields = DerReader(inner);
    }
    std::string_view type;
    if (!stringField(fields, kOctetString, type)) return false;
    addAttributeType(m, type);
  }
  return true;
}

// LDAPResult's components, which every final response starts with.
bool result(DerReader& r, LdapMessage& m) {
  m.has_result = true;
  if (!unsignedField(r, kEnumerated, m.result_code) || !stringField(r, kOctetString, m.dn) ||
      !stringField(r, kOctetString, m.diagnostic_message)) {
    return false;
  }
  DerElement referral;
  if (r.peekTag() == contextConstructed(3) && !r.next(referral)) return false;
  return true;
}

bool bindRequest(DerReader& r, LdapMessage& m) {
  DerElement auth;
  if (!unsignedField(r, kInteger, m.number) || !stringField(r, kOctetString, m.dn) || !r.next(auth)) return false;
  if (auth.tag == contextConstructed(3)) {  // SaslCredentials
    DerReader sasl(auth);
    return stringField(sasl, kOctetString, m.sasl_mechanism);
  }
  return (auth.tag & kClassMask) == 0x80;  // simple [0], or a vendor's choice (Microsoft's [9]..[11])
}

bool searchRequest(DerReader& r, LdapMessage& m) {
  uint32_t deref = 0, size_limit = 0, time_limit = 0;
  DerElement types_only, filter, attributes, a;
  if (!stringField(r, kOctetString, m.dn) || !unsignedField(r, kEnumerated, m.number) ||
      !unsignedField(r, kEnumerated, deref) || !unsignedField(r, kInteger, size_limit) ||
      !unsignedField(r, kInteger, time_limit) || !r.next(kBoolean, types_only) || !r.next(filter) ||
      (filter.tag & kClassMask) != 0x80 || !r.next(kSequence, attributes)) {
    return false;
  }
  DerReader list(attributes);
  while (!list.empty()) {
    if (!list.next(kOctetString, a)) return false;
    addAttributeType(m, text(a));
  }
  return true;
}

bool searchResultReference(DerReader& r) {
  DerElement uri;
  if (r.empty()) return false;
  while (!r.empty()) {
    if (!r.next(kOctetString, uri)) return false;
  }
  return true;
}

bool modDnRequest(DerReader& r, LdapMessage& m) {
  std::string_view new_rdn;
  DerElement delete_old, superior;
  if (!stringField(r, kOctetString, m.dn) || !stringField(r, kOctetString, new_rdn) || !r.next(kBoolean, delete_old)) {
    return false;
  }
  return r.empty() || r.next(contextPrimitive(0), superior);
}

bool compareRequest(DerReader& r, LdapMessage& m) {
  DerElement ava;
  if (!stringField(r, kOctetString, m.dn) || !r.next(kSequence, ava)) return false;
  DerReader fields(ava);
  std::string_view type, value;
  if (!stringField(fields, kOctetString, type) || !stringField(fields, kOctetString, value)) return false;
  addAttributeType(m, type);
  return true;
}

// The optional [n] name and [n+1] value of an extended response or an intermediate one.
bool nameAndValue(DerReader& r, LdapMessage& m, unsigned n) {
  DerElement e;
  if (r.peekTag() == contextPrimitive(n)) {
    if (!r.next(e)) return false;
    m.oid = text(e);
  }
  if (r.peekTag() == contextPrimitive(n + 1) && !r.next(e)) return false;
  return true;
}

// The protocolOp's content by its operation; `op` is its whole element.
bool operation(const DerElement& op, LdapMessage& m) {
  using Op = LdapOperation;
  const bool constructed = op.tag & kConstructed;
  DerReader r(op);
  bool ok = false;
  switch (m.operation) {
    case Op::UnbindRequest:  // NULL
      return !constructed && op.length == 0;
    case Op::DelRequest:  // LDAPDN
      m.dn = text(op);
      return !constructed;
    case Op::AbandonRequest:  // MessageID
      return !constructed && unsignedOf(op, m.number);
    case Op::BindRequest: ok = bindRequest(r, m); break;
    case Op::SearchRequest: ok = searchRequest(r, m); break;
    case Op::ModifyRequest: ok = stringField(r, kOctetString, m.dn) && attributeList(r, m, true); break;
    case Op::AddRequest: ok = stringField(r, kOctetString, m.dn) && attributeList(r, m, false); break;
    case Op::ModDnRequest: ok = modDnRequest(r, m); break;
    case Op::CompareRequest: ok = compareRequest(r, m); break;
    case Op::ExtendedRequest: {
      DerElement name, value;
      ok = r.next(contextPrimitive(0), name) && (r.empty() || r.next(contextPrimitive(1), value));
      m.oid = text(name);
      break;
    }
    case Op::SearchResultEntry: ok = stringField(r, kOctetString, m.dn) && attributeList(r, m, false); break;
    case Op::SearchResultReference: ok = searchResultReference(r); break;
    case Op::BindResponse: {
      DerElement creds;
      ok = result(r, m) && (r.empty() || r.next(contextPrimitive(7), creds));
      break;
    }
    case Op::ExtendedResponse: ok = result(r, m) && nameAndValue(r, m, 10); break;
    case Op::IntermediateResponse: ok = nameAndValue(r, m, 0); break;
    case Op::SearchResultDone:
    case Op::ModifyResponse:
    case Op::AddResponse:
    case Op::DelResponse:
    case Op::ModDnResponse:
    case Op::CompareResponse: ok = result(r, m); break;
  }
  return constructed && ok && r.empty();
}

bool knownOperation(unsigned n) { return n <= 16 || n == 19 || (n >= 23 && n <= 25); }

}  // namespace

bool ldapIsRequest(LdapOperation op) {
  switch (op) {
    case LdapOperation::BindRequest:
    case LdapOperation::UnbindRequest:
    case LdapOperation::SearchRequest:
    case LdapOperation::ModifyRequest:
    case LdapOperation::AddRequest:
    case LdapOperation::DelRequest:
    case LdapOperation::ModDnRequest:
    case LdapOperation::CompareRequest:
    case LdapOperation::AbandonRequest:
    case LdapOperation::ExtendedRequest: return true;
    default: return false;
  }
}

bool ldapEndsRequest(LdapOperation op) {
  return !ldapIsRequest(op) && op != LdapOperation::SearchResultEntry && op != LdapOperation::SearchResultReference &&
         op != LdapOperation::IntermediateResponse;
}

bool LdapMessageDecoder::decode(const uint8_t* data, size_t len, LdapMessage& out) {
  out = LdapMessage{};
  DerReader whole(data, len);
  DerElement message, op, controls;
  if (!whole.next(kSequence, message) || !whole.empty()) return false;
  DerReader r(message);
  if (!unsignedField(r, kInteger, out.message_id) || out.message_id > INT32_MAX || !r.next(op)) return false;
  const unsigned number = op.tag & 0x1f;
  if ((op.tag & kClassMask) != kApplication || !knownOperation(number)) return false;
  out.operation = static_cast<LdapOperation>(number);
  if (!operation(op, out)) return false;
  if (r.peekTag() == kControls && !r.next(controls)) return false;
  return r.empty();
}

size_t LdapMessageDecoder::elementLength(const uint8_t* data, size_t len, size_t most) {
  if (len < 2) return 0;
  if (data[0] != kSequence) return SIZE_MAX;
  size_t length = data[1], header = 2;
  if (length & 0x80) {
    const size_t octets = length & 0x7f;
    if (octets == 0 || octets > 4) return SIZE_MAX;
    if (len < 2 + octets) return 0;
    length = 0;
    for (size_t i = 0; i < octets; ++i) length = length << 8 | data[2 + i];
    header += octets;
  }
  return length > most - header ? SIZE_MAX : header + length;
}

ProbeResult LdapMessageDecoder::probe(const uint8_t* data, size_t len, size_t most) {
  const size_t length = elementLength(data, len, most);
  if (length == SIZE_MAX) return ProbeResult::NoMatch;
  if (length == 0) return ProbeResult::Unsure;
  const size_t header = data[1] & 0x80 ? 2 + (data[1] & 0x7f) : 2;
  if (len < header + 2) return ProbeResult::Unsure;
  const uint8_t* id = data + header;
  if (id[0] != kInteger || id[1] == 0 || id[1] > 4) return ProbeResult::NoMatch;
  const size_t op_at = header + 2 + id[1];
  if (len <= op_at) return ProbeResult::Unsure;
  const uint8_t op = data[op_at];
  return (op & kClassMask) == kApplication && knownOperation(op & 0x1f) ? ProbeResult::Match : ProbeResult::NoMatch;
}

}  // namespace mamori
