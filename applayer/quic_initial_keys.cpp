#include "applayer/quic_initial_keys.h"

#include "applayer/quic_packet_header.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <memory>
#include <string_view>

namespace mamori {
namespace {

using Salt = std::array<uint8_t, 20>;

// RFC 9001 5.2 and the drafts / Chromium sources that define each version's salt.
constexpr Salt kSaltV1 = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
                          0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
constexpr Salt kSaltDraft29 = {0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
                               0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99};
constexpr Salt kSaltDraft23 = {0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
                               0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02};
constexpr Salt kSaltQ050 = {0x50, 0x45, 0x74, 0xef, 0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94,
                            0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0, 0xd3, 0xb5, 0x6b, 0x45};
constexpr Salt kSaltT050 = {0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80,
                            0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10};
constexpr Salt kSaltT051 = {0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50,
                            0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d};
// RFC 9369 3.3.1 (QUIC v2).
constexpr Salt kSaltV2 = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                          0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};

const Salt* saltOf(uint32_t version) {
  if (version == 0x00000001 || version == 0xff000021 || version == 0xff000022) return &kSaltV1;  // drafts 33, 34
  if (version >= 0xff00001d && version <= 0xff000020) return &kSaltDraft29;  // drafts 29-32
  if (version >= 0xff000017 && version <= 0xff00001c) return &kSaltDraft23;  // drafts 23-28
  if (version == 0x51303530) return &kSaltQ050;
  if (version == 0x54303530) return &kSaltT050;
  if (version == 0x54303531) return &kSaltT051;
  if (isQuicV2(version)) return &kSaltV2;
  return nullptr;
}

constexpr size_t kSha256 = 32, kTag = 16, kSample = 16, kMaxPacketNumber = 4;

// RFC 8446 7.1 HKDF-Expand-Label with an empty context; `out_len` <= 32 (one HMAC block).
bool expandLabel(const uint8_t* secret, std::string_view label, uint8_t* out, size_t out_len) {
  constexpr std::string_view kPrefix = "tls13 ";
  uint8_t info[2 + 1 + 32 + 1 + 1];
  size_t n = 0;
  info[n++] = 0;
  info[n++] = static_cast<uint8_t>(out_len);
  info[n++] = static_cast<uint8_t>(kPrefix.size() + label.size());
  std::memcpy(info + n, kPrefix.data(), kPrefix.size());
  n += kPrefix.size();
  std::memcpy(info + n, label.data(), label.size());
  n += label.size();
  info[n++] = 0;     // context
  info[n++] = 0x01;  // HKDF-Expand's first block counter
  uint8_t block[kSha256];
  unsigned block_len = 0;
  if (!HMAC(EVP_sha256(), secret, kSha256, info, n, block, &block_len)) return false;
  std::memcpy(out, block, out_len);
  return true;
}

// v2 renames the labels (RFC 9369 3.3.2), so its keys differ from v1's under the same secret.
bool packetKeys(const uint8_t* initial_secret, std::string_view side, bool v2, QuicPacketKeys& keys) {
  uint8_t secret[kSha256];
  return expandLabel(initial_secret, side, secret, sizeof secret) &&
         expandLabel(secret, v2 ? "quicv2 key" : "quic key", keys.key.data(), keys.key.size()) &&
         expandLabel(secret, v2 ? "quicv2 iv" : "quic iv", keys.iv.data(), keys.iv.size()) &&
         expandLabel(secret, v2 ? "quicv2 hp" : "quic hp", keys.hp.data(), keys.hp.size());
}

}  // namespace

void QuicInitialKeys::CipherFree::operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }

bool QuicInitialKeys::derive(uint32_t version, const uint8_t* dcid, size_t dcid_len) {
  const Salt* salt = saltOf(version);
  if (!salt) return false;
  uint8_t initial[kSha256];
  unsigned len = 0;
  if (!HMAC(EVP_sha256(), salt->data(), static_cast<int>(salt->size()), dcid, dcid_len, initial, &len)) return false;
  const bool v2 = isQuicV2(version);
  return packetKeys(initial, "client in", v2, client_) && packetKeys(initial, "server in", v2, server_);
}

bool QuicInitialKeys::open(const QuicPacketKeys& keys, uint8_t* packet, size_t packet_len, size_t pn_offset,
                           const uint8_t*& payload, size_t& payload_len) {
  if (packet_len < pn_offset + kMaxPacketNumber + kSample) return false;
  if (!cipher_) cipher_.reset(EVP_CIPHER_CTX_new());
  EVP_CIPHER_CTX* const ctx = cipher_.get();
  if (!ctx) return false;
  uint8_t mask[kSample];
  int out_len = 0;
  if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nullptr, keys.hp.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx, mask, &out_len, packet + pn_offset + kMaxPacketNumber, kSample) != 1) {
    return false;
  }
  packet[0] ^= mask[0] & ((packet[0] & 0x80) ? 0x0f : 0x1f);
  const size_t pn_len = (packet[0] & 0x03) + 1;
  uint64_t pn = 0;
  for (size_t i = 0; i < pn_len; ++i) {
    packet[pn_offset + i] ^= mask[1 + i];
    pn = pn << 8 | packet[pn_offset + i];
  }
  const size_t header = pn_offset + pn_len;
  if (packet_len < header + kTag) return false;
  std::array<uint8_t, 12> nonce = keys.iv;
  for (size_t i = 0; i < 8; ++i) nonce[nonce.size() - 1 - i] ^= static_cast<uint8_t>(pn >> (8 * i));
  uint8_t* text = packet + header;
  const size_t text_len = packet_len - header - kTag;
  if (EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, keys.key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx, nullptr, &out_len, packet, static_cast<int>(header)) != 1 ||
      EVP_DecryptUpdate(ctx, text, &out_len, text, static_cast<int>(text_len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTag, text + text_len) != 1 ||
      EVP_DecryptFinal_ex(ctx, text + out_len, &out_len) != 1) {
    return false;
  }
  payload = text;
  payload_len = text_len;
  return true;
}

}  // namespace mamori
