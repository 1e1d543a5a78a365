#pragma once
// Turns one DER certificate from a TLS Certificate message into the text forms of
// TlsCertificate, with OpenSSL's X.509 decoder.
#include <cstddef>
#include <cstdint>

#include "applayer/tls_handshake.h"

namespace mamori {

// Fills `out` (der and fingerprint always, as they need no decoding). Returns false when
// OpenSSL rejects the DER; the text fields are then left empty.
bool decodeTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out);

}  // namespace mamori
