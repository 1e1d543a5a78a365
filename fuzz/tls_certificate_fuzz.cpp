// Fuzz target: one DER certificate, through the decoder a TLS Certificate message's leaf
// goes through: the project's own DER walk, and OpenSSL's X.509 decoder it falls back to.
// The walk promises to give up on whatever it cannot render exactly as OpenSSL does, so
// where both succeed their text must agree: a difference aborts, like a crash.
#include <cstdlib>
#include <cstring>
#include <memory>

#include "applayer/tls_certificate_decoder.h"
#include "applayer/tls_handshake.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  auto der = std::make_unique<uint8_t[]>(size ? size : 1);
  if (size) std::memcpy(der.get(), data, size);
  TlsCertificate decoded;
  decodeTlsCertificate(der.get(), size, decoded);
  TlsCertificate walked, openssl;
  if (walkTlsCertificate(der.get(), size, walked) && decodeTlsCertificateWithOpenssl(der.get(), size, openssl)) {
    if (walked.subject != openssl.subject || walked.issuer != openssl.issuer || walked.serial != openssl.serial ||
        walked.not_before != openssl.not_before || walked.not_after != openssl.not_after)
      abort();
  }
  return 0;
}
