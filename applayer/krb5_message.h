#pragma once
// Krb5Message: what one Kerberos 5 message (RFC 4120) says that detection and EVE use, as
// Krb5MessageDecoder reads it out of the DER. Names are views into the message's bytes
// (valid while they are); a name has at most kMaxNameParts components, a request at most
// kMaxEtypes encryption types, past which the rest are not kept (the message still is).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mamori {

// RFC 4120 section 7.5.7's message types (the APPLICATION tag of each message).
enum class Krb5MessageType : uint8_t {
  AsReq = 10,
  AsRep = 11,
  TgsReq = 12,
  TgsRep = 13,
  ApReq = 14,
  ApRep = 15,
  Safe = 20,
  Priv = 21,
  Cred = 22,
  Error = 30,
};

// PrincipalName's name-string: one component each ("krbtgt", "REALM").
struct Krb5Name {
  static constexpr size_t kMaxNameParts = 16;
  std::array<std::string_view, kMaxNameParts> parts{};
  size_t count = 0;
  bool present = false;
};

struct Krb5Message {
  static constexpr size_t kMaxEtypes = 32;

  Krb5MessageType type = Krb5MessageType::AsReq;
  // KDC-REQ: req-body's cname, realm, sname. KDC-REP: cname, crealm, the ticket's sname.
  // KRB-ERROR: cname, crealm (absent unless the client's realm is given), sname.
  Krb5Name cname, sname;
  std::string_view crealm;
  bool crealm_present = false;
  // KDC-REQ: req-body's realm. KDC-REP: the ticket's. KRB-ERROR: the server's (realm [9]).
  std::string_view realm;
  // KDC-REQ: the etypes the client asks for, in its order.
  std::array<int32_t, kMaxEtypes> etypes{};
  size_t etype_count = 0;
  // KDC-REP: the etype of the part sealed for the client, and of the ticket's.
  std::optional<int32_t> enc_etype, ticket_etype;
  // KRB-ERROR.
  std::optional<int32_t> error_code;
};

}  // namespace mamori
