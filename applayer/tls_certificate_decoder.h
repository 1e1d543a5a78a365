#pragma once
// Turns one DER certificate from a TLS Certificate message into the text forms of
// TlsCertificate: a small DER walk for the usual certificate, OpenSSL's X.509 decoder for
// the rest.
#include <cstddef>
#include <cstdint>

#include "applayer/tls_handshake.h"

struct evp_md_st;

namespace mamori {

// The digests TLS needs (JA3 / JA3S / JA4 hashes, certificate fingerprints), fetched from
// OpenSSL once per process.
enum class DigestKind { Md5, Sha1, Sha256 };
const evp_md_st* fetchedDigest(DigestKind kind);

// Fills `out` (der and fingerprint always, as they need no decoding). Returns false when
// OpenSSL rejects the DER; the text fields are then left empty.
bool decodeTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out);
// The two ways decodeTlsCertificate fills the text fields (der and fingerprint are left
// alone): its own DER walk, which gives up (false) on what it cannot render exactly as
// OpenSSL would, and OpenSSL, which it then falls back to.
bool walkTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out);
bool decodeTlsCertificateWithOpenssl(const uint8_t* der, size_t len, TlsCertificate& out);
// Fills only der and fingerprint.
void fingerprintTlsCertificate(const uint8_t* der, size_t len, TlsCertificate& out);

}  // namespace mamori
