#include "applayer/gquic_hello.h"

#include "applayer/byte_reader.h"
#include "applayer/tls_hello_decoder.h"

namespace mamori {
namespace {

constexpr uint32_t kChlo = 0x43484c4f;  // "CHLO"
constexpr uint32_t kSni = 0x534e4900, kUaid = 0x55414944;
// A CHLO has a few dozen tags; more is no CHLO a client sends.
constexpr size_t kMaxTags = 128;

uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

bool decodeGquicHello(const uint8_t* data, size_t len, GquicHello& out) {
  out.clear();
  ByteReader r(data, len);
  if (r.u32() != kChlo) return false;
  const uint16_t low = r.u8();
  const size_t count = low | static_cast<size_t>(r.u8()) << 8;
  r.skip(2);  // padding
  if (!r.ok() || count > kMaxTags) return false;
  ByteReader entries = r.sub(count * 8);
  if (!r.ok()) return false;
  uint32_t previous = 0;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t tag = entries.u32();
    const uint32_t end = le32(entries.data());
    entries.skip(4);
    if (end < previous) return false;
    ByteReader value = r.sub(end - previous);
    if (!r.ok()) return false;
    previous = end;
    if (!out.tags.empty()) out.tags += '-';
    for (int shift = 24; shift >= 0; shift -= 8) {
      const char c = static_cast<char>(tag >> shift);
      if (c) out.tags += c;
    }
    const std::string_view text(reinterpret_cast<const char*>(value.data()), value.left());
    if (tag == kSni) out.sni.assign(text);
    if (tag == kUaid) out.ua.assign(text);
  }
  return true;
}

bool gquicCyu(uint32_t version, const GquicHello& hello, std::string& text, std::string& hash) {
  // Suricata's table: Q045 shares Q044's CYU version.
  const char* cyu_version = version == 0x51303433   ? "43"
                            : version == 0x51303434 ? "44"
                            : version == 0x51303435 ? "44"
                            : version == 0x51303436 ? "46"
                                                    : nullptr;
  if (!cyu_version) return false;
  text.assign(cyu_version);
  text += ',';
  text += hello.tags;
  fingerprintMd5(text, hash);
  return true;
}

}  // namespace mamori
