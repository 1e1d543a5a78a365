#pragma once
// EtherNet/IP PDUs for the ENIP parser's tests, built field by field as ODVA's encapsulation
// and CIP specifications lay them out (little-endian).
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace mamori::test::enip {

using Bytes = std::vector<uint8_t>;

inline void le16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v));
  b.push_back(static_cast<uint8_t>(v >> 8));
}
inline void le32(Bytes& b, uint32_t v) {
  le16(b, static_cast<uint16_t>(v));
  le16(b, static_cast<uint16_t>(v >> 16));
}
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The 24-byte header and `body`.
inline Bytes pdu(uint16_t command, uint32_t session, const Bytes& body, uint32_t status = 0) {
  Bytes b;
  le16(b, command);
  le16(b, static_cast<uint16_t>(body.size()));
  le32(b, session);
  le32(b, status);
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(i));  // sender context
  le32(b, 0);                                                        // options
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

inline Bytes registerSession(uint16_t version) {
  Bytes b;
  le16(b, version);
  le16(b, 0);
  return b;
}

// A CIP request: service, path of (segment type, value) pairs with 8-bit values, then `data`.
inline Bytes cipRequest(uint8_t service, std::initializer_list<std::pair<uint8_t, uint8_t>> path, const Bytes& data = {}) {
  Bytes b{service, static_cast<uint8_t>(path.size())};
  for (const auto& [type, value] : path) {
    b.push_back(type);
    b.push_back(value);
  }
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

inline Bytes cipResponse(uint8_t service, uint8_t status, const Bytes& extended = {}, const Bytes& data = {}) {
  Bytes b{static_cast<uint8_t>(service | 0x80), 0, status, static_cast<uint8_t>(extended.size())};
  b.insert(b.end(), extended.begin(), extended.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

// A Multiple Service Packet's body: count, offsets, services.
inline Bytes multiple(std::initializer_list<Bytes> services) {
  Bytes b;
  le16(b, static_cast<uint16_t>(services.size()));
  uint16_t offset = static_cast<uint16_t>(2 + 2 * services.size());
  for (const Bytes& s : services) {
    le16(b, offset);
    offset = static_cast<uint16_t>(offset + s.size());
  }
  for (const Bytes& s : services) b.insert(b.end(), s.begin(), s.end());
  return b;
}

// SendRRData's body: interface handle, timeout, a null address item and an unconnected data item.
inline Bytes sendRRData(const Bytes& cip) {
  Bytes b;
  le32(b, 0);
  le16(b, 0);
  le16(b, 2);
  le16(b, 0x00);
  le16(b, 0);
  le16(b, 0xb2);
  le16(b, static_cast<uint16_t>(cip.size()));
  b.insert(b.end(), cip.begin(), cip.end());
  return b;
}

// SendUnitData's body: a connected address item and a connected data item with its sequence number.
inline Bytes sendUnitData(uint32_t connection, uint16_t sequence, const Bytes& cip) {
  Bytes b;
  le32(b, 0);
  le16(b, 0);
  le16(b, 2);
  le16(b, 0xa1);
  le16(b, 4);
  le32(b, connection);
  le16(b, 0xb1);
  le16(b, static_cast<uint16_t>(cip.size() + 2));
  le16(b, sequence);
  b.insert(b.end(), cip.begin(), cip.end());
  return b;
}

// A ListIdentity reply's one identity item.
inline Bytes identityItem(uint16_t vendor, uint16_t device_type, const std::string& name) {
  Bytes item;
  le16(item, 1);                            // protocol version
  item.insert(item.end(), 16, 0);           // socket address
  le16(item, vendor);
  le16(item, device_type);
  le16(item, 58);                           // product code
  item.push_back(4);                        // revision 4.3
  item.push_back(3);
  le16(item, 0x30);                         // status
  le32(item, 0x524d8e);                     // serial
  item.push_back(static_cast<uint8_t>(name.size()));
  item.insert(item.end(), name.begin(), name.end());
  item.push_back(3);                        // state
  Bytes b;
  le16(b, 1);
  le16(b, 0x0c);
  le16(b, static_cast<uint16_t>(item.size()));
  b.insert(b.end(), item.begin(), item.end());
  return b;
}

}  // namespace mamori::test::enip
