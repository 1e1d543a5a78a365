#include "applayer/ja4_fingerprint.h"

#include <openssl/evp.h>

#include <algorithm>

#include "applayer/tls_certificate_decoder.h"

namespace mamori {
namespace {

constexpr uint16_t kExtServerName = 0, kExtAlpn = 16;
constexpr char kHexDigits[] = "0123456789abcdef";

const char* versionCode(uint16_t v) {
  switch (v) {
    case 0x0304: return "13";
    case 0x0303: return "12";
    case 0x0302: return "11";
    case 0x0301: return "10";
    case 0x0300: return "s3";
    default: return "00";  // SSL 2 hellos are not decoded here; drafts and unknowns as Suricata
  }
}

void appendTwoDigits(std::string& out, size_t n) {
  n = std::min<size_t>(n, 99);
  out += static_cast<char>('0' + n / 10);
  out += static_cast<char>('0' + n % 10);
}

// Values as 4 lower-case hex digits joined with ',' into `raw`.
void appendHexList(std::string& raw, const std::vector<uint16_t>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) raw += ',';
    for (int shift = 12; shift >= 0; shift -= 4) raw += kHexDigits[(values[i] >> shift) & 0xf];
  }
}

// The first 12 hex digits of SHA-256(raw).
void appendTruncatedSha256(std::string& out, const std::string& raw) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(raw.data(), raw.size(), md, &len, fetchedDigest(DigestKind::Sha256), nullptr) != 1) len = 0;
  for (unsigned i = 0; i < 6; ++i) {
    const unsigned char b = i < len ? md[i] : 0;
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0xf];
  }
}

bool isAlphanumeric(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

void Ja4Fingerprint::offerVersion(uint16_t version) {
  if (!isTlsGrease(version)) version_ = std::max(version_, version);
}

void Ja4Fingerprint::addCipher(uint16_t cipher) {
  if (!isTlsGrease(cipher)) ciphers_.push_back(cipher);
}

void Ja4Fingerprint::addExtension(uint16_t type) {
  if (isTlsGrease(type)) return;
  ++extension_count_;
  if (type == kExtServerName) {
    sni_ = true;
  } else if (type != kExtAlpn) {
    extensions_.push_back(type);
  }
}

void Ja4Fingerprint::addSignatureAlgorithm(uint16_t algorithm) {
  if (!isTlsGrease(algorithm)) signature_algorithms_.push_back(algorithm);
}

void Ja4Fingerprint::setAlpn(std::string_view protocol) {
  if (alpn_seen_) return;
  alpn_seen_ = true;
  // A one-byte protocol gives no pair; a two-byte GREASE value is no protocol (Suricata).
  if (protocol.size() < 2) return;
  const auto first = static_cast<unsigned char>(protocol.front());
  const auto last = static_cast<unsigned char>(protocol.back());
  if (protocol.size() == 2 && isTlsGrease(static_cast<uint16_t>(first << 8 | last))) return;
  if (isAlphanumeric(first) && isAlphanumeric(last)) {
    alpn_[0] = static_cast<char>(first);
    alpn_[1] = static_cast<char>(last);
  } else {
    // FoxIO: bytes that are not alphanumeric give the first hex digit of the first byte and
    // the last of the last, so the fingerprint stays printable.
    alpn_[0] = kHexDigits[first >> 4];
    alpn_[1] = kHexDigits[last & 0xf];
  }
}

void Ja4Fingerprint::text(std::string& out) const {
  out.clear();
  out += static_cast<char>(transport_);
  out += versionCode(version_);
  out += sni_ ? 'd' : 'i';
  appendTwoDigits(out, ciphers_.size());
  appendTwoDigits(out, extension_count_);
  out.append(alpn_, 2);

  std::string raw;
  std::vector<uint16_t> sorted = ciphers_;
  std::sort(sorted.begin(), sorted.end());
  appendHexList(raw, sorted);
  out += '_';
  appendTruncatedSha256(out, raw);

  raw.clear();
  sorted = extensions_;
  std::sort(sorted.begin(), sorted.end());
  appendHexList(raw, sorted);
  // No signature algorithms: no separator either (Suricata 8, FoxIO).
  if (!signature_algorithms_.empty()) {
    raw += '_';
    appendHexList(raw, signature_algorithms_);
  }
  out += '_';
  appendTruncatedSha256(out, raw);
}

}  // namespace mamori
