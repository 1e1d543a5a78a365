#pragma once
// Hand-built LDAP messages (RFC 4511's ASN.1 in BER) for the parser tests, on the BER pieces
// of the Kerberos builder (tlv, seq, integer, ...), e.g.
//   message(2, searchRequest("dc=example,dc=org", {"cn", "mail"}))
#include <initializer_list>
#include <string>

#include "tests/applayer/krb5_builder.h"

namespace mamori::test::ldap {

using krb5::Bytes;
using krb5::cat;
using krb5::integer;
using krb5::seq;
using krb5::tlv;

inline Bytes octets(const std::string& s) { return tlv(0x04, Bytes(s.begin(), s.end())); }
inline Bytes enumerated(uint8_t v) { return tlv(0x0a, {v}); }
inline Bytes boolean(bool v) { return tlv(0x01, {static_cast<uint8_t>(v ? 0xff : 0)}); }
// An operation: [APPLICATION n], constructed unless `primitive`.
inline Bytes op(unsigned n, const Bytes& content, bool primitive = false) {
  return tlv(static_cast<uint8_t>((primitive ? 0x40 : 0x60) | n), content);
}

inline Bytes message(int32_t id, const Bytes& operation) { return seq({integer(id), operation}); }

inline Bytes simpleBind(const std::string& name, const std::string& password) {
  return op(0, cat({integer(3), octets(name), tlv(0x80, Bytes(password.begin(), password.end()))}));
}

inline Bytes saslBind(const std::string& mechanism) {
  return op(0, cat({integer(3), octets(""), tlv(0xa3, octets(mechanism))}));
}

inline Bytes searchRequest(const std::string& base, std::initializer_list<std::string> attributes) {
  Bytes list;
  for (const std::string& a : attributes) list = cat({list, octets(a)});
  const Bytes present_objectclass = tlv(0x87, Bytes{'o', 'b', 'j', 'e', 'c', 't', 'C', 'l', 'a', 's', 's'});
  return op(3, cat({octets(base), enumerated(2), enumerated(0), integer(0), integer(0), boolean(false),
                    present_objectclass, tlv(0x30, list)}));
}

inline Bytes searchEntry(const std::string& dn, std::initializer_list<std::string> types) {
  Bytes attributes;
  for (const std::string& t : types) attributes = cat({attributes, seq({octets(t), tlv(0x31, octets("value"))})});
  return op(4, cat({octets(dn), tlv(0x30, attributes)}));
}

// An LDAPResult operation (bind, search done, modify, add, del, mod DN, compare, extended
// responses), with `extra` after its components (an extended response's name).
inline Bytes result(unsigned n, uint8_t code, const std::string& matched, const std::string& diagnostic,
                    const Bytes& extra = {}) {
  return op(n, cat({enumerated(code), octets(matched), octets(diagnostic), extra}));
}

inline Bytes extendedRequest(const std::string& oid) { return op(23, tlv(0x80, Bytes(oid.begin(), oid.end()))); }

inline Bytes unbind() { return op(2, {}, true); }

}  // namespace mamori::test::ldap
