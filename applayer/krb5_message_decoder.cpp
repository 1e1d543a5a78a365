#include "applayer/krb5_message_decoder.h"

#include "applayer/der_reader.h"

namespace mamori {
namespace {

constexpr uint8_t kInteger = 0x02;
constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kApplicationConstructed = 0x60;
constexpr uint8_t kPvno = 5;

constexpr uint8_t context(unsigned n) { return static_cast<uint8_t>(0xa0 | n); }

// The next element of a SEQUENCE whose fields are context-tagged [0], [1], ... in order: the
// one tagged [n], passing over lower-numbered (optional or unused) fields before it; false
// when it is not there.
bool seek(DerReader& r, unsigned n, DerElement& out) {
  DerElement skipped;
  while (!r.empty() && (r.peekTag() & 0xe0) == 0xa0 && (r.peekTag() & 0x1f) < n) {
    if (!r.next(skipped)) return false;
  }
  return r.next(context(n), out);
}

// [n] EXPLICIT: the one element inside the context tag, with `tag`.
bool explicitField(DerReader& r, unsigned n, uint8_t tag, DerElement& out) {
  DerElement outer;
  if (!seek(r, n, outer)) return false;
  DerReader inner(outer);
  return inner.next(tag, out) && inner.empty();
}

// Int32 (RFC 4120 section 5.2.4): a DER INTEGER of one to four octets, two's complement.
bool int32Of(const DerElement& e, int32_t& out) {
  if (e.length == 0 || e.length > 4) return false;
  uint32_t v = (e.data[0] & 0x80) ? 0xffffffffu : 0;
  for (size_t i = 0; i < e.length; ++i) v = v << 8 | e.data[i];
  out = static_cast<int32_t>(v);
  return true;
}

bool int32Field(DerReader& r, unsigned n, int32_t& out) {
  DerElement e;
  return explicitField(r, n, kInteger, e) && int32Of(e, out);
}

// KerberosString is a GeneralString; some implementations send another string type, which
// is taken as it is (Wireshark does the same).
bool isStringTag(uint8_t tag) { return tag == 0x1b || tag == 0x0c || tag == 0x16 || tag == 0x13; }

bool stringField(DerReader& r, unsigned n, std::string_view& out) {
  DerElement outer, s;
  if (!seek(r, n, outer)) return false;
  DerReader inner(outer);
  if (!inner.next(s) || !inner.empty() || !isStringTag(s.tag)) return false;
  out = std::string_view(reinterpret_cast<const char*>(s.data), s.length);
  return true;
}

// PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
bool principalName(DerReader& r, unsigned n, Krb5Name& out) {
  DerElement seq, strings, s;
  if (!explicitField(r, n, kSequence, seq)) return false;
  DerReader fields(seq);
  int32_t name_type = 0;
  if (!int32Field(fields, 0, name_type) || !explicitField(fields, 1, kSequence, strings)) return false;
  DerReader parts(strings);
  while (!parts.empty()) {
    if (!parts.next(s) || !isStringTag(s.tag)) return false;
    if (out.count < Krb5Name::kMaxNameParts) {
      out.parts[out.count++] = std::string_view(reinterpret_cast<const char*>(s.data), s.length);
    }
  }
  out.present = true;
  return true;
}

bool optionalPrincipalName(DerReader& r, unsigned n, Krb5Name& out) {
  DerReader probe = r;
  DerElement unused;
  if (!seek(probe, n, unused)) return true;
  return principalName(r, n, out);
}

bool optionalString(DerReader& r, unsigned n, std::string_view& out, bool& present) {
  DerReader probe = r;
  DerElement unused;
  if (!seek(probe, n, unused)) return true;
  present = stringField(r, n, out);
  return present;
}

// pvno and msg-type, the first two fields of every message, at [first] and [first + 1].
bool header(DerReader& r, unsigned first, Krb5MessageType type) {
  int32_t pvno = 0, msg_type = 0;
  return int32Field(r, first, pvno) && pvno == kPvno && int32Field(r, first + 1, msg_type) &&
         msg_type == static_cast<int32_t>(type);
}

// EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
bool encryptedDataEtype(DerReader& r, unsigned n, std::optional<int32_t>& out) {
  DerElement seq;
  if (!explicitField(r, n, kSequence, seq)) return false;
  DerReader fields(seq);
  int32_t etype = 0;
  if (!int32Field(fields, 0, etype)) return false;
  out = etype;
  return true;
}

// KDC-REQ ::= SEQUENCE { pvno [1], msg-type [2], padata [3] OPTIONAL, req-body [4] KDC-REQ-BODY }
// KDC-REQ-BODY ::= SEQUENCE { kdc-options [0], cname [1] OPTIONAL, realm [2], sname [3]
//   OPTIONAL, from [4] OPTIONAL, till [5], rtime [6] OPTIONAL, nonce [7], etype [8] SEQUENCE
//   OF Int32, ... }
bool kdcReq(DerReader& r, Krb5Message& out) {
  DerElement body, etypes, e;
  if (!header(r, 1, out.type) || !explicitField(r, 4, kSequence, body)) return false;
  DerReader fields(body);
  if (!optionalPrincipalName(fields, 1, out.cname) || !stringField(fields, 2, out.realm) ||
      !optionalPrincipalName(fields, 3, out.sname) || !explicitField(fields, 8, kSequence, etypes)) {
    return false;
  }
  DerReader list(etypes);
  while (!list.empty()) {
    int32_t etype = 0;
    if (!list.next(kInteger, e) || !int32Of(e, etype)) return false;
    if (out.etype_count < Krb5Message::kMaxEtypes) out.etypes[out.etype_count++] = etype;
  }
  return true;
}

// Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] }
bool ticket(DerReader& r, unsigned n, Krb5Message& out) {
  DerElement outer, app, seq;
  if (!seek(r, n, outer)) return false;
  DerReader in(outer);
  if (!in.next(kApplicationConstructed | 1, app) || !in.empty()) return false;
  DerReader body(app);
  if (!body.next(kSequence, seq)) return false;
  DerReader fields(seq);
  int32_t vno = 0;
  return int32Field(fields, 0, vno) && vno == kPvno && stringField(fields, 1, out.realm) &&
         principalName(fields, 2, out.sname) && encryptedDataEtype(fields, 3, out.ticket_etype);
}

// KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL, crealm [3], cname [4],
//   ticket [5] Ticket, enc-part [6] EncryptedData }
bool kdcRep(DerReader& r, Krb5Message& out) {
  out.crealm_present = true;
  return header(r, 0, out.type) && stringField(r, 3, out.crealm) && principalName(r, 4, out.cname) &&
         ticket(r, 5, out) && encryptedDataEtype(r, 6, out.enc_etype);
}

// KRB-ERROR ::= SEQUENCE { pvno [0], msg-type [1], ctime [2] OPTIONAL, cusec [3] OPTIONAL,
//   stime [4], susec [5], error-code [6] Int32, crealm [7] OPTIONAL, cname [8] OPTIONAL,
//   realm [9], sname [10], e-text [11] OPTIONAL, e-data [12] OPTIONAL }
bool krbError(DerReader& r, Krb5Message& out) {
  int32_t code = 0;
  if (!header(r, 0, out.type) || !int32Field(r, 6, code)) return false;
  out.error_code = code;
  return optionalString(r, 7, out.crealm, out.crealm_present) && optionalPrincipalName(r, 8, out.cname) &&
         stringField(r, 9, out.realm) && principalName(r, 10, out.sname);
}

// AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ... }; AP-REP, KRB-SAFE,
// KRB-PRIV and KRB-CRED alike.
bool otherMessage(DerReader& r, Krb5Message& out) { return header(r, 0, out.type); }

// The size of the tag-and-length header at `p`, 0 when `n` bytes do not hold it all;
// -1 when it is no DER header this decoder reads.
int headerSize(const uint8_t* p, size_t n) {
  if (n < 2) return 0;
  if ((p[0] & 0x1f) == 0x1f) return -1;
  if (!(p[1] & 0x80)) return 2;
  const size_t octets = p[1] & 0x7f;
  if (octets == 0 || octets > 4) return -1;
  return n < 2 + octets ? 0 : static_cast<int>(2 + octets);
}

}  // namespace

bool Krb5MessageDecoder::decode(const uint8_t* data, size_t len, Krb5Message& out) {
  out = Krb5Message{};
  DerReader top(data, len);
  DerElement app, seq;
  if (!top.next(app) || (app.tag & 0xe0) != kApplicationConstructed) return false;
  DerReader body(app);
  if (!body.next(kSequence, seq) || !body.empty()) return false;
  DerReader fields(seq);
  out.type = static_cast<Krb5MessageType>(app.tag & 0x1f);
  switch (out.type) {
    case Krb5MessageType::AsReq:
    case Krb5MessageType::TgsReq: return kdcReq(fields, out);
    case Krb5MessageType::AsRep:
    case Krb5MessageType::TgsRep: return kdcRep(fields, out);
    case Krb5MessageType::Error: return krbError(fields, out);
    case Krb5MessageType::ApReq:
    case Krb5MessageType::ApRep:
    case Krb5MessageType::Safe:
    case Krb5MessageType::Priv:
    case Krb5MessageType::Cred: return otherMessage(fields, out);
  }
  return false;
}

Krb5MessageDecoder::Looks Krb5MessageDecoder::looksLikeKrb5(const uint8_t* data, size_t len) {
  // [APPLICATION n] SEQUENCE { [0 or 1] INTEGER 5 ...
  const int app = headerSize(data, len);
  if (app < 0) return Looks::NotKrb5;
  if (app > 0 && ((data[0] & 0xe0) != kApplicationConstructed || (data[0] & 0x1f) > 30)) return Looks::NotKrb5;
  if (app == 0) return len == 0 || (data[0] & 0xe0) == kApplicationConstructed ? Looks::TooShort : Looks::NotKrb5;
  const uint8_t* p = data + app;
  size_t n = len - static_cast<size_t>(app);
  if (n == 0) return Looks::TooShort;
  if (p[0] != kSequence) return Looks::NotKrb5;
  const int seq = headerSize(p, n);
  if (seq < 0) return Looks::NotKrb5;
  if (seq == 0) return Looks::TooShort;
  p += seq;
  n -= static_cast<size_t>(seq);
  constexpr uint8_t kVersion[] = {kInteger, 1, kPvno};
  if (n < 2 + sizeof(kVersion)) return Looks::TooShort;
  if ((p[0] != context(0) && p[0] != context(1)) || p[1] != sizeof(kVersion)) return Looks::NotKrb5;
  for (size_t i = 0; i < sizeof(kVersion); ++i) {
    if (p[2 + i] != kVersion[i]) return Looks::NotKrb5;
  }
  return Looks::Krb5;
}

}  // namespace mamori
