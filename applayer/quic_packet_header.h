#pragma once
// QuicPacketHeader: the clear part of one QUIC packet as Suricata 8 reads it. Three layouts:
//   - IETF long headers (RFC 9000 17.2; also Google's Q046+ and Q050 / T05x): type, version,
//     connection ids, an Initial's token and every long packet's length; the packet number
//     is still under header protection (`pn_offset`);
//   - gQUIC public headers (Q024-Q043): flags, an 8-byte connection id, the version when the
//     client still sends it, a clear packet number and a 12-byte hash, frames in the clear;
//   - short headers: nothing more is readable.
#include <cstddef>
#include <cstdint>
#include <string>

namespace mamori {

enum class QuicPacketType : uint8_t { Initial, ZeroRtt, Handshake, Retry, VersionNegotiation, Short };

struct QuicPacketHeader {
  QuicPacketType type = QuicPacketType::Short;
  uint32_t version = 0;
  // Frames follow in the clear (gQUIC before Q050), not under Initial protection.
  bool clear = false;
  const uint8_t* dcid = nullptr;
  uint8_t dcid_len = 0;
  // Protected packets: where the packet number starts. Clear ones: where the frames start.
  size_t pn_offset = 0;
  // The bytes of this packet from its first byte (more packets may follow in the datagram).
  size_t packet_len = 0;
};

// False when the bytes are no QUIC packet (a length past the datagram, a fixed bit unset).
bool parseQuicPacketHeader(const uint8_t* data, size_t len, QuicPacketHeader& out);

// QUIC version 2 (RFC 9369, 0x6b3343cf): v1's packets with other long-header type numbers,
// salt and key labels.
bool isQuicV2(uint32_t version);
// Google's QUIC versions: "Q043", ... (their version numbers spell it).
bool isGoogleQuicVersion(uint32_t version);
// A Google version's number: "Q043" -> 43.
unsigned googleQuicNumber(uint32_t version);
// The version as Suricata writes it: Q039 to Q046 by name, any other in lower-case hex
// without leading zeros ("1", "ff00001d", "51303530").
void quicVersionName(uint32_t version, std::string& out);

}  // namespace mamori
