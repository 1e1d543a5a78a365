#include "applayer/rdp_message_decoder.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <string_view>

#include "applayer/der_reader.h"

namespace mamori {
namespace {

constexpr uint8_t kConnectionRequest = 0xe0, kConnectionConfirm = 0xd0, kData = 0xf0;
constexpr size_t kX224FixedCr = 6;  // code, dst-ref, src-ref, class
constexpr uint8_t kNegRequest = 1, kNegResponse = 2, kNegFailure = 3;
constexpr size_t kNegLength = 8;
constexpr uint8_t kMcsApplicationTag = 0x7f;
constexpr uint8_t kConnectInitial = 101, kConnectResponse = 102;
constexpr uint16_t kClientCore = 0xc001, kClientNetwork = 0xc003;
constexpr std::string_view kCookiePrefix = "Cookie: mstshash=";
// T.124's object identifier key (0.0.20.124.0.1) and the H.221 key of a client's
// ConferenceCreateRequest ("Duca"), which the client data blocks follow.
constexpr uint8_t kT124Key[] = {0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01};
constexpr uint8_t kClientH221Key[] = {'D', 'u', 'c', 'a'};
constexpr size_t kGccSearch = 32;  // the key lies within this many bytes of the T.124 key

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24; }

// A UTF-16LE field of `n` bytes, up to its first NUL character.
std::string_view utf16Field(const uint8_t* p, size_t n) {
  size_t end = 0;
  while (end + 1 < n && (p[end] | p[end + 1])) end += 2;
  return {reinterpret_cast<const char*>(p), end};
}

// RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE: type, flags, length 8, a 32-bit value.
bool negotiation(const uint8_t* p, size_t len, uint8_t type, uint8_t& flags, uint32_t& value) {
  if (len != kNegLength || p[0] != type || le16(p + 2) != kNegLength) return false;
  flags = p[1];
  value = le32(p + 4);
  return true;
}

bool connectionRequest(const uint8_t* p, size_t len, RdpMessage& m) {
  m.kind = RdpMessage::Kind::ConnectionRequest;
  std::string_view rest(reinterpret_cast<const char*>(p), len);
  // A cookie or routing token: a line ending CRLF.
  if (const size_t crlf = rest.find("\r\n"); crlf != std::string_view::npos && rest.size() > kNegLength - 1 &&
                                             rest.substr(0, kCookiePrefix.size()) == kCookiePrefix) {
    m.cookie = rest.substr(kCookiePrefix.size(), crlf - kCookiePrefix.size());
    rest.remove_prefix(crlf + 2);
  } else if (crlf != std::string_view::npos && rest.substr(0, 7) == "Cookie:") {
    rest.remove_prefix(crlf + 2);
  }
  if (rest.empty()) return true;
  uint32_t requested = 0;
  if (!negotiation(reinterpret_cast<const uint8_t*>(rest.data()), rest.size(), kNegRequest, m.request_flags, requested)) {
    return false;
  }
  m.requested_protocols = requested;
  return true;
}

bool connectionConfirm(const uint8_t* p, size_t len, RdpMessage& m) {
  m.kind = RdpMessage::Kind::ConnectionConfirm;
  if (len == 0) return true;
  uint32_t value = 0;
  uint8_t flags = 0;
  if (negotiation(p, len, kNegResponse, m.response_flags, value)) {
    m.selected_protocol = value;
    return true;
  }
  if (negotiation(p, len, kNegFailure, flags, value)) {
    m.failure_code = value;
    return true;
  }
  return false;
}

void clientCore(const uint8_t* p, size_t len, RdpMessage& m) {
  constexpr size_t kRequired = 128;  // through imeFileName (the block's data, its header not counted)
  if (len < kRequired) return;
  RdpClientCore c;
  c.version = le32(p);
  c.desktop_width = le16(p + 4);
  c.desktop_height = le16(p + 6);
  c.color_depth = le16(p + 8);
  c.keyboard_layout = le32(p + 12);
  c.build = le32(p + 16);
  c.client_name = utf16Field(p + 20, 32);
  c.keyboard_type = le32(p + 52);
  c.function_keys = le32(p + 60);
  // The optional fields, each present only when the block is long enough for it and those
  // before it (MS-RDPBCGR 2.2.1.3.2).
  if (len >= 130) c.post_beta2_color_depth = le16(p + 128);
  if (len >= 132) c.product_id = le16(p + 130);
  if (len >= 138) c.high_color_depth = le16(p + 136);
  if (len >= 142 + 64) c.dig_product_id = utf16Field(p + 142, 64);
  m.client = c;
}

void clientNetwork(const uint8_t* p, size_t len, RdpMessage& m) {
  constexpr size_t kChannelDef = 12, kNameBytes = 8;
  if (len < 4) return;
  const uint32_t count = le32(p);
  for (uint32_t i = 0; i < count && m.channel_count < RdpMessage::kMaxChannels; ++i) {
    const size_t at = 4 + i * kChannelDef;
    if (len - 4 < (i + 1) * kChannelDef) break;
    const auto* name = reinterpret_cast<const char*>(p + at);
    m.channels[m.channel_count++] = std::string_view(name, strnlen(name, kNameBytes));
  }
}

// The GCC conference create request (T.124 PER) in Connect-Initial's userData: the T.124 key,
// then, after the H.221 client key and a PER length, the client data blocks.
bool gccClientData(const uint8_t* p, size_t len, RdpMessage& m) {
  if (len < sizeof(kT124Key) || std::memcmp(p, kT124Key, sizeof(kT124Key)) != 0) return false;
  const uint8_t* end = p + len;
  const size_t window = std::min(len, kGccSearch);
  const uint8_t* key = std::search(p + sizeof(kT124Key), p + window, std::begin(kClientH221Key), std::end(kClientH221Key));
  if (key == p + window) return false;
  const uint8_t* at = key + sizeof(kClientH221Key);
  if (at == end) return false;
  size_t blocks = *at++;
  if (blocks & 0x80) {  // PER: a two-byte length
    if (at == end) return false;
    blocks = (blocks & 0x3f) << 8 | *at++;
  }
  if (static_cast<size_t>(end - at) < blocks) return false;
  for (const uint8_t* b = at; b + 4 <= at + blocks;) {
    const uint16_t type = le16(b), length = le16(b + 2);
    if (length < 4 || length > at + blocks - b) return false;
    if (type == kClientCore) clientCore(b + 4, length - 4u, m);
    if (type == kClientNetwork) clientNetwork(b + 4, length - 4u, m);
    b += length;
  }
  return true;
}

// MCS (T.125) in an X.224 data TPDU: Connect-Initial's and Connect-Response's BER.
bool mcs(const uint8_t* p, size_t len, RdpMessage& m) {
  if (len < 2 || p[0] != kMcsApplicationTag) return true;  // another MCS PDU: nothing logged
  if (p[1] != kConnectInitial && p[1] != kConnectResponse) return true;
  // The application tag takes two bytes (0x7f, then the number), which DerReader does not
  // read: from the second, it reads the number as a one-byte tag, then the length.
  DerElement body;
  DerReader outer(p + 1, len - 1);
  if (!outer.next(body)) return false;
  if (p[1] == kConnectResponse) {
    m.kind = RdpMessage::Kind::ConnectResponse;
    return true;
  }
  m.kind = RdpMessage::Kind::ConnectInitial;
  DerReader fields(body);
  DerElement calling, called, upward, target, minimum, maximum, user;
  if (!fields.next(0x04, calling) || !fields.next(0x04, called) || !fields.next(0x01, upward) ||
      !fields.next(0x30, target) || !fields.next(0x30, minimum) || !fields.next(0x30, maximum) ||
      !fields.next(0x04, user)) {
    return false;
  }
  return gccClientData(user.data, user.length, m);
}

}  // namespace

size_t RdpMessageDecoder::tpktLength(const uint8_t* data, size_t len) {
  if (len < kTpktHeader || data[0] != kTpktVersion || data[1] != 0) return 0;
  const size_t length = static_cast<size_t>(data[2]) << 8 | data[3];
  return length < kTpktHeader + 2 ? 0 : length;
}

bool RdpMessageDecoder::decode(const uint8_t* packet, size_t len, RdpMessage& out) {
  out = RdpMessage{};
  if (len < kTpktHeader + 2) return false;
  const uint8_t* x224 = packet + kTpktHeader;
  const size_t x224_len = len - kTpktHeader;
  const size_t li = x224[0];  // the header's length, without this byte
  if (li + 1 > x224_len || li == 0) return false;
  const uint8_t code = x224[1] & 0xf0;
  const uint8_t* after = x224 + 1 + li;
  const size_t after_len = x224_len - 1 - li;
  if (code == kConnectionRequest || code == kConnectionConfirm) {
    if (li < kX224FixedCr) return false;
    // The variable part (cookie, negotiation) is inside the header, after its fixed fields;
    // a confirm carries nothing after the header.
    const uint8_t* variable = x224 + 1 + kX224FixedCr;
    const size_t variable_len = li - kX224FixedCr + after_len;
    return code == kConnectionRequest ? connectionRequest(variable, variable_len, out)
                                      : connectionConfirm(variable, variable_len, out);
  }
  if (code == kData) return mcs(after, after_len, out);
  return true;
}

}  // namespace mamori
