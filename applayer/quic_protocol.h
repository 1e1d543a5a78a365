#pragma once
// QuicProtocol: QUIC over UDP as an app-layer plug-in, read as Suricata 8 reads it. Every
// long-header packet of a direction, until that direction's hello was read, is one record
// (EVE `quic`, a transaction of its own): its version, and for the packet that completes
// the hello the SNI, gQUIC's user agent and CYU fingerprint, the JA3 (client) or JA3S
// (server) and the hello's extensions. Short-header packets make none; a direction whose
// hello was read is not parsed further, so a flow's steady traffic costs one check.
//
// IETF QUIC (v1, drafts) and Google's Q050 / T05x protect their Initial packets with keys
// anyone derives from the client's first Destination Connection ID (QuicInitialKeys): the
// parser removes the protection, decrypts, and puts the CRYPTO frames of a direction back
// in order (QuicCryptoStream, bounded) until the TLS ClientHello / ServerHello (or Q050's
// CHLO) at its start is whole; the TLS hellos go through the decoder TLS over TCP uses
// (tls_hello_decoder.h). Google's older versions (Q024-Q046) carry their CHLO in clear STREAM
// frames (gquic_hello.h).
//
// Events (app-layer-event:quic.*): failed_decrypt (an Initial packet that does not decrypt),
// error_on_data (frames or a hello that do not parse), crypto_frag_too_long (CRYPTO data
// past QuicCryptoStream's bound). A direction stops after kMaxRecords records without a hello.
#include <memory>
#include <string_view>

#include "applayer/app_protocol.h"

namespace mamori {

class QuicProtocol final : public AppProtocol {
 public:
  static constexpr size_t kMaxRecords = 64;

  std::string_view name() const override { return "quic"; }
  uint8_t transports() const override { return kUdp; }
  ProbeResult probe(uint8_t transport, Direction dir, const uint8_t* data, size_t len) const override;
  bool usualPort(uint16_t port) const override { return port == 443 || port == 80; }
  size_t parserBytes() const override;
  std::unique_ptr<AppProtocolParser> newParser(uint8_t transport, AppMemory* memory) const override;
};

}  // namespace mamori
