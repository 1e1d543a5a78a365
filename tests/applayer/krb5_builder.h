#pragma once
// Hand-built Kerberos 5 messages (RFC 4120's ASN.1 in DER) for the parser tests: each
// function returns one element with its contents and length filled in, outermost first, e.g.
//   asReq("alice", "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"}, {18, 23})
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace mamori::test::krb5 {

using Bytes = std::vector<uint8_t>;

inline Bytes tlv(uint8_t tag, const Bytes& content) {
  Bytes out{tag};
  const size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 0x100) {
    out.insert(out.end(), {0x81, static_cast<uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes seq(std::initializer_list<Bytes> parts) { return tlv(0x30, cat(parts)); }
inline Bytes field(unsigned n, const Bytes& inner) { return tlv(static_cast<uint8_t>(0xa0 | n), inner); }
inline Bytes app(unsigned n, const Bytes& inner) { return tlv(static_cast<uint8_t>(0x60 | n), inner); }

inline Bytes integer(int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  Bytes content{static_cast<uint8_t>(u >> 24), static_cast<uint8_t>(u >> 16), static_cast<uint8_t>(u >> 8),
                static_cast<uint8_t>(u)};
  // Minimal two's complement, as DER wants: no leading octet that only repeats the sign.
  while (content.size() > 1 && ((content[0] == 0x00 && !(content[1] & 0x80)) || (content[0] == 0xff && (content[1] & 0x80)))) {
    content.erase(content.begin());
  }
  return tlv(0x02, content);
}

inline Bytes kstring(const std::string& s) { return tlv(0x1b, Bytes(s.begin(), s.end())); }

inline Bytes principal(std::initializer_list<std::string> parts, int32_t type = 1) {
  Bytes strings;
  for (const std::string& p : parts) {
    const Bytes s = kstring(p);
    strings.insert(strings.end(), s.begin(), s.end());
  }
  return seq({field(0, integer(type)), field(1, tlv(0x30, strings))});
}

inline Bytes encrypted(int32_t etype) {
  return seq({field(0, integer(etype)), field(1, integer(2)), field(2, tlv(0x04, Bytes(16, 0xee)))});
}

inline Bytes ticket(const std::string& realm, std::initializer_list<std::string> sname, int32_t etype) {
  return app(1, seq({field(0, integer(5)), field(1, kstring(realm)), field(2, principal(sname, 2)),
                     field(3, encrypted(etype))}));
}

// AS-REQ (10) or TGS-REQ (12); no cname when `cname` is empty.
inline Bytes kdcReq(unsigned type, std::initializer_list<std::string> cname, const std::string& realm,
                    std::initializer_list<std::string> sname, std::initializer_list<int32_t> etypes) {
  Bytes etype_list;
  for (int32_t e : etypes) {
    const Bytes i = integer(e);
    etype_list.insert(etype_list.end(), i.begin(), i.end());
  }
  Bytes body = cat({field(0, tlv(0x03, {0, 0x40, 0x81, 0, 0x10}))});
  if (cname.size()) body = cat({body, field(1, principal(cname))});
  body = cat({body, field(2, kstring(realm)), field(3, principal(sname, 2)),
              field(5, tlv(0x18, Bytes(15, '0'))), field(7, integer(12345)), field(8, tlv(0x30, etype_list))});
  const Bytes padata = field(3, seq({seq({field(1, integer(128)), field(2, tlv(0x04, {0x30, 0x05, 0xa0, 0x03, 0x01, 0x01, 0xff}))})}));
  return app(type, seq({field(1, integer(5)), field(2, integer(static_cast<int32_t>(type))), padata,
                        field(4, tlv(0x30, body))}));
}

// AS-REP (11) or TGS-REP (13).
inline Bytes kdcRep(unsigned type, const std::string& crealm, std::initializer_list<std::string> cname,
                    const std::string& ticket_realm, std::initializer_list<std::string> sname, int32_t ticket_etype,
                    int32_t enc_etype) {
  return app(type, seq({field(0, integer(5)), field(1, integer(static_cast<int32_t>(type))), field(3, kstring(crealm)),
                        field(4, principal(cname)), field(5, ticket(ticket_realm, sname, ticket_etype)),
                        field(6, encrypted(enc_etype))}));
}

inline Bytes krbError(int32_t code, const std::string& realm, std::initializer_list<std::string> sname) {
  return app(30, seq({field(0, integer(5)), field(1, integer(30)), field(4, tlv(0x18, Bytes(15, '0'))),
                      field(5, integer(1)), field(6, integer(code)), field(9, kstring(realm)),
                      field(10, principal(sname, 2))}));
}

// A TCP record: the 4-byte length and the message.
inline Bytes record(const Bytes& message) {
  const auto n = static_cast<uint32_t>(message.size());
  return cat({Bytes{static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                    static_cast<uint8_t>(n)},
              message});
}

}  // namespace mamori::test::krb5
