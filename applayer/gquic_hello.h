#pragma once
// A gQUIC handshake message (QUIC-crypto's CHLO, sent in the clear before Q050 and in
// Initial packets since): a tag and a map of 4-letter tags to values. What a sensor
// reads of it: the server name (SNI), the user agent (UAID) and the tags in the client's
// order, which Suricata fingerprints as CYU.
#include <cstddef>
#include <cstdint>
#include <string>

namespace mamori {

struct GquicHello {
  std::string sni, ua;
  std::string tags;  // "PAD-SNI-STK-VER-..." (a tag's trailing NULs left out)

  void clear() {
    sni.clear();
    ua.clear();
    tags.clear();
  }
};

// False when the bytes are no CHLO (another message tag, offsets that decrease or overrun).
bool decodeGquicHello(const uint8_t* data, size_t len, GquicHello& out);

// The CYU fingerprint of a hello of `version`: "46,PAD-SNI-..." and its MD5. False for the
// versions Suricata has no CYU version for (all but Q043-Q046).
bool gquicCyu(uint32_t version, const GquicHello& hello, std::string& text, std::string& hash);

}  // namespace mamori
