#include "applayer/dhcp_message_decoder.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace mamori {
namespace {

constexpr uint8_t kCookie[4] = {99, 130, 83, 99};
constexpr size_t kSnameOffset = 44, kSnameBytes = 64;
constexpr size_t kFileOffset = 108, kFileBytes = 128;
constexpr size_t kChaddrOffset = 28, kChaddrBytes = 16;

enum Option : uint8_t {
  kPad = 0,
  kSubnetMask = 1,
  kRouters = 3,
  kDnsServers = 6,
  kHostname = 12,
  kRequestedIp = 50,
  kLeaseTime = 51,
  kOverload = 52,
  kMessageType = 53,
  kParams = 55,
  kRenewalTime = 58,
  kRebindingTime = 59,
  kVendorClass = 60,
  kClientId = 61,
  kEnd = 255,
};

// Overload values (RFC 2132 section 9.3): which header fields carry options.
constexpr uint8_t kOverloadFile = 1, kOverloadSname = 2;

uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}

Ipv4Bytes ipv4(const uint8_t* p) { return {p[0], p[1], p[2], p[3]}; }

std::string_view view(const uint8_t* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

class OptionWalk {
 public:
  explicit OptionWalk(DhcpMessage& m) : m_(m) {}

  // Walks one option area; the overload value it found (0 when none).
  uint8_t walk(const uint8_t* p, size_t len) {
    uint8_t overload = 0;
    size_t at = 0;
    while (at < len) {
      const uint8_t code = p[at];
      if (code == kPad) {
        ++at;
        continue;
      }
      if (code == kEnd) return overload;
      if (len - at < 2 || len - at - 2 < p[at + 1]) break;
      const uint8_t n = p[at + 1];
      const uint8_t* value = p + at + 2;
      if (code == kOverload) {
        if (n == 1 && value[0] >= 1 && value[0] <= 3) {
          overload = value[0];
        } else {
          m_.malformed_options = true;
        }
      } else {
        option(code, value, n);
      }
      at += 2 + static_cast<size_t>(n);
    }
    m_.truncated_options = true;
    return overload;
  }

 private:
  void option(uint8_t code, const uint8_t* v, uint8_t n) {
    switch (code) {
      case kMessageType:
        if (n == 0) return malformed();
        if (!m_.message_type) m_.message_type = v[0];
        return;
      case kClientId:
        if (n < 2) return malformed();
        if (m_.client_id.empty()) m_.client_id = view(v + 1, n - 1u);
        return;
      case kHostname: return first(m_.hostname, v, n);
      case kParams: return first(m_.params, v, n);
      case kVendorClass: return first(m_.vendor_class, v, n);
      case kRouters: return addresses(m_.routers, v, n);
      case kDnsServers: return addresses(m_.dns_servers, v, n);
      case kSubnetMask: return address(m_.subnet_mask, v, n);
      case kRequestedIp: return address(m_.requested_ip, v, n);
      case kLeaseTime: return seconds(m_.lease_time, v, n);
      case kRenewalTime: return seconds(m_.renewal_time, v, n);
      case kRebindingTime: return seconds(m_.rebinding_time, v, n);
      default: return;
    }
  }
  void malformed() { m_.malformed_options = true; }
  static void first(std::string_view& into, const uint8_t* v, uint8_t n) {
    if (into.empty()) into = view(v, n);
  }
  void addresses(std::string_view& into, const uint8_t* v, uint8_t n) {
    if (n == 0 || n % 4 != 0) return malformed();
    first(into, v, n);
  }
  void address(std::optional<Ipv4Bytes>& into, const uint8_t* v, uint8_t n) {
    if (n != 4) return malformed();
    if (!into) into = ipv4(v);
  }
  void seconds(std::optional<uint32_t>& into, const uint8_t* v, uint8_t n) {
    if (n != 4) return malformed();
    if (!into) into = be32(v);
  }

  DhcpMessage& m_;
};

}  // namespace

bool DhcpMessageDecoder::looksLikeDhcp(const uint8_t* data, size_t len) {
  return len >= kMinimumBytes && (data[0] == DhcpMessage::kBootRequest || data[0] == DhcpMessage::kBootReply) &&
         std::memcmp(data + kHeaderBytes, kCookie, sizeof(kCookie)) == 0;
}

bool DhcpMessageDecoder::decode(const uint8_t* data, size_t len, DhcpMessage& out) {
  if (!looksLikeDhcp(data, len)) return false;
  out = DhcpMessage{};
  out.op = data[0];
  out.xid = be32(data + 4);
  out.ciaddr = ipv4(data + 12);
  out.yiaddr = ipv4(data + 16);
  out.siaddr = ipv4(data + 20);
  out.giaddr = ipv4(data + 24);
  out.chaddr = view(data + kChaddrOffset, std::min<size_t>(data[2], kChaddrBytes));
  OptionWalk walk(out);
  const uint8_t overload = walk.walk(data + kMinimumBytes, len - kMinimumBytes);
  if (overload & kOverloadFile) walk.walk(data + kFileOffset, kFileBytes);
  if (overload & kOverloadSname) walk.walk(data + kSnameOffset, kSnameBytes);
  return true;
}

}  // namespace mamori
