#pragma once
// QuicTransactionWriter: one QUIC packet Suricata makes a transaction of (each long-header
// packet of a direction until its hello was read) as a ProtocolTransaction: its rule
// buffers (quic.version: the 4 version bytes; quic.sni, quic.ua, quic.cyu.hash,
// quic.cyu.string; the hello's ja3.hash / ja3.string / ja4.hash or ja3s.hash / ja3s.string,
// named by the TLS keywords detection inspects them under) and the EVE `quic` object Suricata 8
// writes (version, sni, ua, cyu, ja3 or ja3s, ja4, extensions).
#include <cstdint>
#include <string>
#include <vector>

#include "applayer/eve_object_writer.h"
#include "applayer/protocol_transaction.h"
#include "applayer/tls_hello_decoder.h"

namespace mamori {

// What one packet showed. The hello fields are empty unless it completed a hello.
struct QuicPacketRecord {
  uint32_t version = 0;
  std::string sni, ua;
  std::string cyu_string, cyu_hash;
  std::string ja3_string, ja3_hash;  // the client's JA3, or the server's JA3S
  std::string ja4_hash;              // the client's JA4
  bool server = false;
  std::vector<TlsHelloExtension> extensions;

  void clear() {
    version = 0;
    sni.clear();
    ua.clear();
    cyu_string.clear();
    cyu_hash.clear();
    ja3_string.clear();
    ja3_hash.clear();
    ja4_hash.clear();
    server = false;
    extensions.clear();
  }
};

class QuicTransactionWriter {
 public:
  void write(const QuicPacketRecord& r, ProtocolTransaction& out);

 private:
  EveObjectWriter eve_;
  std::string version_;
};

// Suricata's names of TLS extension types ("server_name", "alpn"); null for one it has none for.
const char* tlsExtensionName(uint16_t type);

}  // namespace mamori
