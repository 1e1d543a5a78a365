#pragma once
// FoxIO's JA4 fingerprint of a TLS ClientHello, as Suricata 8 computes it for its ja4.hash
// buffer and EVE's tls.ja4 / quic.ja4: the hello's decoder feeds it the fields in the
// hello's order and asks for the text once.
//
//   t13d1516h2_8daaf6152771_e5627efa2ab1
//   | | |   | |  sorted ciphers    sorted extensions (SNI and ALPN left out) + "_" +
//   | | |   | |  SHA-256, 12 hex   signature algorithms in order, SHA-256, 12 hex
//   | | |   | first and last character of the first ALPN protocol ("00": none)
//   | | |   extension count (SNI and ALPN counted), 2 digits, at most 99
//   | | cipher count, 2 digits, at most 99
//   | d: an SNI extension, i: none
//   | highest version offered (supported_versions or the hello's field): 13, 12, 11, 10, s3, 00
//   t: TLS over TCP, q: QUIC, d: DTLS
// GREASE values (RFC 8701) count nowhere: clients pick them at random.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mamori {

class Ja4Fingerprint {
 public:
  enum class Transport : char { Tcp = 't', Quic = 'q', Dtls = 'd' };

  explicit Ja4Fingerprint(Transport transport) : transport_(transport) {}

  void offerVersion(uint16_t version);
  void addCipher(uint16_t cipher);
  void addExtension(uint16_t type);
  void addSignatureAlgorithm(uint16_t algorithm);
  // The first protocol of the ALPN extension; later ones do not count.
  void setAlpn(std::string_view protocol);

  // The 36-character fingerprint.
  void text(std::string& out) const;

 private:
  Transport transport_;
  uint16_t version_ = 0;
  bool sni_ = false, alpn_seen_ = false;
  char alpn_[2] = {'0', '0'};
  unsigned extension_count_ = 0;
  std::vector<uint16_t> ciphers_, extensions_, signature_algorithms_;
};

// RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa.
inline bool isTlsGrease(uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

}  // namespace mamori
