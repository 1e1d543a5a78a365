#pragma once
// What one TLS connection showed in clear before encryption started: the hellos, their
// fingerprints and the server's certificate chain. Plain data, filled by TlsParser and
// read by EVE `tls` records and the tls.* / ja3.* / ja4.* rule buffers, so every text form is the
// one Suricata writes for the same field.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mamori {

struct TlsCertificate {
  // RDNs in the certificate's order, "C=US, O=Let's Encrypt, CN=R3"; the attributes of a
  // multi-valued RDN joined with " + ".
  std::string subject, issuer;
  std::string serial;       // DER content bytes of the serial, "04:3A:..." (upper-case hex)
  std::string fingerprint;  // SHA-1 of the DER, "ab:12:..." (lower-case hex)
  std::string not_before, not_after;  // UTC, "2019-12-17T01:17:28"
  std::vector<uint8_t> der;
};

struct TlsHandshake {
  bool client_hello = false, server_hello = false, certificates_seen = false;
  // client_version: the ClientHello's legacy version field. version: what the server
  // chose, from supported_versions when it sent one (TLS 1.3), else ServerHello's field.
  uint16_t client_version = 0, version = 0;
  // The hellos' 32-byte randoms (tls.random): the first 4 bytes were a time once. Zero
  // until that hello is parsed; an SSLv2 ClientHello has none (client_random_seen stays false).
  std::array<uint8_t, 32> client_random{}, server_random{};
  bool client_random_seen = false;
  std::string sni;                // the ClientHello's first host_name
  std::vector<std::string> alpn;  // protocols the client offered, in its order
  // JA3 / JA3S as Salesforce defines them, GREASE values left out; hashes are MD5 in
  // lower-case hex. Empty when the hello could not be parsed (or was SSLv2).
  std::string ja3_string, ja3_hash, ja3s_string, ja3s_hash;
  // The ClientHello's JA4 (applayer/ja4_fingerprint.h); empty as the JA3 fields are.
  std::string ja4_hash;
  // Server chain as sent, leaf first. Every entry has its DER and fingerprint; only the
  // leaf, the one EVE and the tls.cert_* buffers name, has the decoded text fields.
  std::vector<TlsCertificate> certificates;

  void clear();
  // What it holds on the heap (strings, the chain's DER), for the app-layer budget.
  size_t heapBytes() const;
};

// Suricata's EVE names: "SSLv2", "SSLv3", "TLSv1", "TLS 1.1", "TLS 1.2", "TLS 1.3", and
// "UNDETERMINED" for anything else (0 included).
std::string_view tlsVersionName(uint16_t version);

}  // namespace mamori
