// Fuzz target: the TLS handshake parser (records, hellos, JA3 / JA3S, the certificate
// chain and its leaf's decoding), both directions of one flow with gaps (stream_records.h).
#include "applayer/tls_parser.h"
#include "fuzz/stream_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  TlsParser parser;
  fuzz::forEachStreamRecord(
      data, size, [&](Direction dir, const uint8_t* p, size_t n) { parser.onData(dir, p, n); },
      [&](Direction dir, size_t) { parser.onGap(dir); });
  const TlsHandshake& hs = parser.handshake();
  volatile size_t n = hs.sni.size() + hs.ja3_string.size() + hs.ja3s_string.size() + tlsVersionName(hs.version).size();
  for (const TlsCertificate& c : hs.certificates) n = n + c.subject.size() + c.der.size();
  return 0;
}
