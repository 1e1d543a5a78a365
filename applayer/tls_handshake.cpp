#include "applayer/tls_handshake.h"

namespace mamori {

void TlsHandshake::clear() {
  client_hello = server_hello = certificates_seen = false;
  client_version = version = 0;
  client_random.fill(0);
  server_random.fill(0);
  client_random_seen = false;
  sni.clear();
  alpn.clear();
  ja3_string.clear();
  ja3_hash.clear();
  ja3s_string.clear();
  ja3s_hash.clear();
  ja4_hash.clear();
  certificates.clear();
}

size_t TlsHandshake::heapBytes() const {
  // A string's capacity beyond its inline buffer is on the heap.
  const auto text = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  size_t bytes = text(sni) + text(ja3_string) + text(ja3_hash) + text(ja3s_string) + text(ja3s_hash) + text(ja4_hash) +
                 alpn.capacity() * sizeof(std::string) + certificates.capacity() * sizeof(TlsCertificate);
  for (const std::string& a : alpn) bytes += text(a);
  for (const TlsCertificate& c : certificates) {
    bytes += text(c.subject) + text(c.issuer) + text(c.serial) + text(c.fingerprint) + text(c.not_before) +
             text(c.not_after) + c.der.capacity();
  }
  return bytes;
}

std::string_view tlsVersionName(uint16_t version) {
  switch (version) {
    case 0x0002: return "SSLv2";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1";  // sic: Suricata writes 1.0 unlike its successors
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: return "UNDETERMINED";
  }
}

}  // namespace mamori
