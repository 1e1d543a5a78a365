#pragma once
// NtlmsspAuth: who an NTLMSSP AUTHENTICATE message (MS-NLMP 2.2.1.3) names: user, domain and
// workstation, as UTF-8 (UTF-16LE when the message's flags say NEGOTIATE_UNICODE, else the
// OEM bytes as they are), each at most kMaxField bytes. SMB's SESSION_SETUP carries it in a
// security blob, GSS-API / SPNEGO (RFC 4178) wrapping the raw NTLMSSP message or the raw
// message itself: the reader finds the message by its signature inside the blob (bounded by
// the blob), as the SPNEGO mechToken's OCTET STRING holds it unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

namespace mamori {

struct NtlmsspAuth {
  static constexpr size_t kMaxField = 256;
  std::string user, domain, host;
};

enum class NtlmsspRead : uint8_t {
  Auth,       // an AUTHENTICATE message, read into `out`
  Other,      // NEGOTIATE, CHALLENGE or no NTLMSSP at all (Kerberos): nothing to read
  Malformed,  // an AUTHENTICATE message whose fields point outside it
};

NtlmsspRead readNtlmsspAuth(const uint8_t* blob, size_t len, NtlmsspAuth& out);

}  // namespace mamori
