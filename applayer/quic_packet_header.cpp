#include "applayer/quic_packet_header.h"

#include "applayer/byte_reader.h"

namespace mamori {
namespace {

constexpr uint8_t kLongHeader = 0x80, kFixedBit = 0x40;
// gQUIC public flags.
constexpr uint8_t kPublicVersion = 0x01, kPublicReset = 0x02, kPublicNonce = 0x04, kPublicCid = 0x08;
constexpr size_t kGquicHash = 12, kNonce = 32, kCidLen = 8;

bool digit(unsigned c) { return c >= '0' && c <= '9'; }

// Google's versions before Q046 have no long header: their client packets carry the public
// flags, the version among them.
bool parsePublicHeader(const uint8_t* data, size_t len, QuicPacketHeader& out) {
  ByteReader r(data, len);
  const uint8_t flags = r.u8();
  if (flags & kPublicReset) return false;
  if (flags & kPublicCid) r.skip(kCidLen);
  if (!(flags & kPublicVersion)) {
    out.type = QuicPacketType::Short;
    out.packet_len = len;
    return r.ok();
  }
  out.version = r.u32();
  if (!isGoogleQuicVersion(out.version)) return false;
  // A diversification nonce (servers, Q033+); with an 8-byte connection id the two bits
  // meant that id's length in older versions (0x0c), as Suricata reads them.
  if ((flags & kPublicNonce) && !(flags & kPublicCid)) r.skip(kNonce);
  static constexpr size_t kPacketNumber[] = {1, 2, 4, 6};
  r.skip(kPacketNumber[(flags >> 4) & 0x03]);
  // Unencrypted packets before Q039 carry a 12-byte hash; Q024-Q033 then a private flags byte.
  r.skip(kGquicHash);
  if (googleQuicNumber(out.version) < 34) r.skip(1);
  if (!r.ok()) return false;
  out.type = QuicPacketType::Initial;
  out.clear = true;
  out.pn_offset = len - r.left();
  out.packet_len = len;
  return true;
}

}  // namespace

unsigned googleQuicNumber(uint32_t version) {
  return ((version >> 16 & 0xff) - '0') * 100 + ((version >> 8 & 0xff) - '0') * 10 + ((version & 0xff) - '0');
}

bool isQuicV2(uint32_t version) { return version == 0x6b3343cf; }

bool isGoogleQuicVersion(uint32_t version) {
  const uint8_t kind = version >> 24;
  return (kind == 'Q' || kind == 'T') && digit(version >> 16 & 0xff) && digit(version >> 8 & 0xff) &&
         digit(version & 0xff);
}

void quicVersionName(uint32_t version, std::string& out) {
  out.clear();
  if (version >> 24 == 'Q' && isGoogleQuicVersion(version) && googleQuicNumber(version) >= 39 && googleQuicNumber(version) <= 46) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(version >> shift);
    return;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 28; shift >= 0; shift -= 4) {
    const unsigned d = version >> shift & 0x0f;
    if (d || started || shift == 0) {
      out += kDigits[d];
      started = true;
    }
  }
}

bool parseQuicPacketHeader(const uint8_t* data, size_t len, QuicPacketHeader& out) {
  out = {};
  if (!len) return false;
  const uint8_t first = data[0];
  if (!(first & kLongHeader)) {
    if (first & kFixedBit) {
      out.type = QuicPacketType::Short;
      out.packet_len = len;
      return true;
    }
    return parsePublicHeader(data, len, out);
  }
  ByteReader r(data, len);
  r.u8();
  out.version = r.u32();
  const bool google = isGoogleQuicVersion(out.version);
  if (out.version == 0) {
    out.type = QuicPacketType::VersionNegotiation;
  } else if (google && googleQuicNumber(out.version) < 46 && out.version >> 24 == 'Q') {
    return false;  // Q043-Q045 long headers: not met in traffic, not read
  } else {
    static constexpr QuicPacketType kTypes[] = {QuicPacketType::Initial, QuicPacketType::ZeroRtt,
                                                QuicPacketType::Handshake, QuicPacketType::Retry};
    // v2 turns the numbers by one (RFC 9369 3.2): Retry 0, Initial 1, 0-RTT 2, Handshake 3.
    static constexpr QuicPacketType kTypesV2[] = {QuicPacketType::Retry, QuicPacketType::Initial,
                                                  QuicPacketType::ZeroRtt, QuicPacketType::Handshake};
    out.type = (isQuicV2(out.version) ? kTypesV2 : kTypes)[(first >> 4) & 0x03];
  }
  if (out.version == 0x51303436) {
    // Q046: the connection ids' lengths in two nibbles (0, or 3 + the nibble).
    const uint8_t lengths = r.u8();
    const uint8_t d = lengths >> 4, s = lengths & 0x0f;
    out.dcid_len = d ? d + 3 : 0;
    out.dcid = r.data();
    r.skip(out.dcid_len);
    r.skip(s ? s + 3 : 0);
    r.skip(4);  // packet number
    r.skip(kGquicHash);
    if (!r.ok()) return false;
    out.clear = true;
    out.pn_offset = len - r.left();
    out.packet_len = len;
    return true;
  }
  out.dcid_len = r.u8();
  out.dcid = r.data();
  r.skip(out.dcid_len);
  r.skip(r.u8());  // source connection id
  if (!r.ok() || out.dcid_len > 20) return false;
  if (out.type == QuicPacketType::VersionNegotiation || out.type == QuicPacketType::Retry) {
    out.packet_len = len;
    return true;
  }
  if (out.type == QuicPacketType::Initial) r.skip(r.varint());  // token
  const uint64_t length = r.varint();
  if (!r.ok() || length > r.left()) return false;
  out.pn_offset = len - r.left();
  out.packet_len = out.pn_offset + length;
  return true;
}

}  // namespace mamori
