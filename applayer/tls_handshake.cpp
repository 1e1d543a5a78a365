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
  certificates.clear();
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
