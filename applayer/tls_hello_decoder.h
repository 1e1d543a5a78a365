#pragma once
// The TLS ClientHello and ServerHello bodies (the handshake message after its 4-byte
// header) decoded into a TlsHandshake: SNI, ALPN, randoms, versions and the JA3 / JA3S / JA4
// fingerprints. One decoder for every carrier of a TLS handshake: TLS records over TCP
// (TlsParser) and QUIC's CRYPTO frames (QuicFlowParser), so a fingerprint means the same
// whichever transport carried the hello.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "applayer/app_layer_event.h"
#include "applayer/ja4_fingerprint.h"
#include "applayer/tls_handshake.h"

namespace mamori {

// One extension of a hello, in the hello's order, as Suricata lists them in a quic record:
// `values` are the host names of server_name and the protocols of alpn (empty for others).
struct TlsHelloExtension {
  uint16_t type = 0;
  std::vector<std::string> values;
};

// False when the body overruns its lengths (`hs` then keeps no fingerprint). Anomalies of the
// SNI extension are raised in `events`. `extensions`, when given, receives the hello's.
// `transport` is JA4's first character: what carried the hello.
bool decodeClientHello(const uint8_t* body, size_t len, Ja4Fingerprint::Transport transport, TlsHandshake& hs,
                       AppLayerEventSet& events, std::vector<TlsHelloExtension>* extensions = nullptr);
bool decodeServerHello(const uint8_t* body, size_t len, TlsHandshake& hs,
                       std::vector<TlsHelloExtension>* extensions = nullptr);

// MD5 of `in` in lower-case hex: how JA3 and its kin (gQUIC's CYU) hash their strings.
void fingerprintMd5(std::string_view in, std::string& out);

}  // namespace mamori
