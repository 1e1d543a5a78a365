#pragma once
// Turns one DER certificate from a TLS Certificate message into the text forms of
// TlsCertificate, with OpenSSL's X.509 decoder.
#include <cstddef>
#include <cstdint>

#include "applayer/tls_handshake.h"

struct evp_md_st;

namespace mamori {

// The digests TLS needs (JA3 / JA3S hashes, certificate fingerprints), fetched from
// OpenSSL once per process.
enum class DigestKind { Md5, Sha1 };
const evp_md_st* fetchedDigest(DigestKind kind);

// Fills `out` (der and fingerprint always, as they need no decoding). Returns false when
// OpenSSL rejects the DER; the text fields are then left empty.
bool decodeTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out);
// Fills only der and fingerprint.
void fingerprintTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out);

}  // namespace mamori
