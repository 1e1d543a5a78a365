#pragma once
// EnipMessage: one EtherNet/IP encapsulation PDU as EnipMessageDecoder reads it: the header
// (command, length, session, status, options) and what its command carries: a
// RegisterSession's version and options, a ListIdentity or ListServices reply's first item,
// or a SendRRData / SendUnitData common packet format whose first data item holds a CIP
// message-router request or response (a Multiple Service Packet's services one level down).
// Fixed-size storage: a decoder reuses one message and steady traffic allocates nothing
// (the product name, at most 255 bytes, keeps its capacity).
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace mamori {

// A logical EPATH segment (class, instance, attribute, ...): its segment type byte and value.
struct CipPathSegment {
  uint8_t type = 0;
  uint32_t value = 0;
  // The logical type Suricata matches on (the segment type without its format bits):
  // 8 class, 9 instance, 12 attribute.
  uint8_t logical() const { return type >> 2; }
};

enum : uint8_t { kCipLogicalClass = 8, kCipLogicalInstance = 9, kCipLogicalAttribute = 12 };

// One CIP request or response.
struct CipMessage {
  static constexpr size_t kMaxSegments = 8;
  static constexpr size_t kMaxAttributes = 8;
  static constexpr size_t kMaxExtendedStatus = 8;

  uint8_t service = 0;  // without the response bit
  bool response = false;
  // Request: the path's logical segments (others are skipped), and the attributes a Get or
  // Set Attribute List names.
  std::array<CipPathSegment, kMaxSegments> path{};
  uint8_t path_count = 0;
  std::array<uint16_t, kMaxAttributes> attributes{};
  uint8_t attribute_count = 0;
  // Response: the general status and its additional status bytes (the first kMaxExtendedStatus).
  uint8_t status = 0;
  std::array<uint8_t, kMaxExtendedStatus> extended_status{};
  uint8_t extended_status_size = 0;

  // The additional status as one number when it is one 16-bit word (little-endian), as
  // enip.cip_extendedstatus compares it.
  std::optional<uint16_t> extendedStatusWord() const {
    if (extended_status_size != 2) return std::nullopt;
    return static_cast<uint16_t>(extended_status[0] | extended_status[1] << 8);
  }
};

struct EnipIdentity {
  uint16_t protocol_version = 0, vendor_id = 0, device_type = 0, product_code = 0;
  uint8_t revision_major = 0, revision_minor = 0;
  uint16_t status = 0;
  uint32_t serial = 0;
  std::string product_name;
  uint8_t state = 0;
};

struct EnipServices {
  uint16_t protocol_version = 0, capabilities = 0;
  std::array<char, 16> name{};
  uint8_t name_size = 0;  // up to the first NUL
};

struct EnipMessage {
  static constexpr size_t kHeaderSize = 24;
  // A Multiple Service Packet's services kept; more are counted, not kept.
  static constexpr size_t kMaxMultiple = 64;

  enum class Payload : uint8_t { None, RegisterSession, Identity, Services, Cip };

  uint16_t command = 0, length = 0;
  uint32_t session = 0, status = 0, options = 0;
  Payload payload = Payload::None;
  // The payload the command calls for did not parse (Suricata's invalid_pdu).
  bool invalid = false;

  uint16_t register_version = 0, register_options = 0;
  EnipIdentity identity;
  EnipServices services;

  CipMessage cip;
  // The CIP item's connected-data sequence number, which pairs a SendUnitData response
  // with its request.
  std::optional<uint16_t> sequence;
  std::array<CipMessage, kMaxMultiple> multiple{};
  uint16_t multiple_count = 0;  // kept
  uint16_t multiple_total = 0;  // as the packet says
};

}  // namespace mamori
