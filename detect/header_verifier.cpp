#include "detect/header_verifier.h"

#include <algorithm>

namespace mamori {
namespace {

bool isIcmp(const DecodedPacket& pkt) { return pkt.proto == 1 || pkt.proto == 58; }

// Echo and, for ICMPv4, timestamp / information / address-mask messages carry an
// identifier and a sequence number, in the 8-byte header the decoder puts before the payload.
bool hasIcmpIdentifier(const DecodedPacket& pkt) {
  if (!isIcmp(pkt) || !pkt.payload || !pkt.l3 || pkt.payload < pkt.l3 + 8) return false;
  if (pkt.proto == 58) return pkt.icmp_type == 128 || pkt.icmp_type == 129;
  return pkt.icmp_type == 0 || pkt.icmp_type == 8 || (pkt.icmp_type >= 13 && pkt.icmp_type <= 18);
}

// IPv4 flags as fragbits letters: 0x01 reserved, 0x02 more fragments, 0x04 don't fragment.
bool ipv4FragmentField(const DecodedPacket& pkt, uint16_t& field) {
  if (pkt.ip_version != 4 || !pkt.l3 || pkt.l3_len < 8) return false;
  field = static_cast<uint16_t>(pkt.l3[6] << 8 | pkt.l3[7]);
  return true;
}

// Where the transport header starts: after the IPv4 header and its options, or after
// the IPv6 header and the extension headers the decoder walked past.
const uint8_t* transportStart(const DecodedPacket& pkt) {
  if (!pkt.l3 || !pkt.payload) return nullptr;
  const uint8_t* end = pkt.l3 + pkt.l3_len;
  if (pkt.ip_version == 4) {
    if (pkt.l3_len < 20) return nullptr;
    const uint8_t* start = pkt.l3 + (pkt.l3[0] & 0x0f) * 4;
    return start <= pkt.payload && start <= end ? start : nullptr;
  }
  if (pkt.ip_version != 6 || pkt.l3_len < 40) return nullptr;
  const uint8_t* p = pkt.l3 + 40;
  uint8_t next = pkt.l3[6];
  while (next != pkt.proto) {
    if (p + 8 > end) return nullptr;
    size_t length = next == 44 ? 8 : next == 51 ? (p[1] + 2u) * 4 : (p[1] + 1u) * 8;
    if (next != 0 && next != 43 && next != 44 && next != 51 && next != 60 && next != 135) return nullptr;
    next = p[0];
    p += length;
  }
  return p <= pkt.payload ? p : nullptr;
}

// The MTU a Packet Too Big message reports, in the second word of its header; Suricata
// reads it for code 0 only.
bool icmpv6Mtu(const DecodedPacket& pkt, uint32_t& mtu) {
  if (pkt.proto != 58 || pkt.icmp_type != 2 || pkt.icmp_code != 0) return false;
  const uint8_t* header = transportStart(pkt);
  if (!header || pkt.payload < header + 8) return false;
  mtu = static_cast<uint32_t>(header[4]) << 24 | header[5] << 16 | header[6] << 8 | header[7];
  return true;
}

// The MSS option of a TCP header, walked as the options run (end, no-op, kind-length-value).
bool tcpMss(const DecodedPacket& pkt, uint16_t& mss) {
  if (pkt.proto != 6) return false;
  const uint8_t* header = transportStart(pkt);
  if (!header || pkt.payload < header + 20) return false;
  const uint8_t* end = std::min<const uint8_t*>(header + (header[12] >> 4) * 4, pkt.payload);
  for (const uint8_t* p = header + 20; p < end;) {
    if (*p == 0) return false;
    if (*p == 1) {
      ++p;
      continue;
    }
    if (p + 2 > end || p[1] < 2 || p + p[1] > end) return false;
    if (*p == 2 && p[1] == 4) {
      mss = static_cast<uint16_t>(p[2] << 8 | p[3]);
      return true;
    }
    p += p[1];
  }
  return false;
}

}  // namespace

bool headerBuffer(const DecodedPacket& pkt, HeaderBuffer buffer, const uint8_t*& data, size_t& length) {
  if (buffer == HeaderBuffer::Ether) {
    data = pkt.l2;
    length = pkt.l2_len;
    return pkt.l2 != nullptr;
  }
  const bool ip = buffer == HeaderBuffer::Ipv4 || buffer == HeaderBuffer::Ipv6;
  if (ip && pkt.ip_version != (buffer == HeaderBuffer::Ipv4 ? 4 : 6)) return false;
  const uint8_t wanted_proto = buffer == HeaderBuffer::Tcp ? 6 : buffer == HeaderBuffer::Udp ? 17
                               : buffer == HeaderBuffer::Icmpv4 ? 1 : 58;
  if (!ip && pkt.proto != wanted_proto) return false;
  const uint8_t* transport = transportStart(pkt);
  if (!transport) return false;
  data = ip ? pkt.l3 : transport;
  length = static_cast<size_t>((ip ? transport : pkt.payload) - data);
  return true;
}

bool headerTestsMatch(const HeaderTests& t, const DecodedPacket& pkt) {
  if (t.ttl && !t.ttl->matches(pkt.ttl)) return false;
  if (t.ip_proto && !t.ip_proto->matches(pkt.proto)) return false;
  if (t.dsize && !t.dsize->matches(pkt.payload_len)) return false;
  if (t.sameip && !(pkt.src == pkt.dst)) return false;
  if (t.itype && !(isIcmp(pkt) && t.itype->matches(pkt.icmp_type))) return false;
  if (t.icode && !(isIcmp(pkt) && t.icode->matches(pkt.icmp_code))) return false;
  if (t.icmp_id && !(hasIcmpIdentifier(pkt) && t.icmp_id->matches(pkt.icmp_id))) return false;
  if (t.icmp_seq) {
    if (!hasIcmpIdentifier(pkt)) return false;
    uint16_t seq = static_cast<uint16_t>(pkt.payload[-2] << 8 | pkt.payload[-1]);
    if (!t.icmp_seq->matches(seq)) return false;
  }
  if (t.icmpv6_mtu) {
    uint32_t mtu = 0;
    if (!icmpv6Mtu(pkt, mtu) || !t.icmpv6_mtu->matches(mtu)) return false;
  }
  if (t.tcp_mss) {
    uint16_t mss = 0;
    if (!tcpMss(pkt, mss) || !t.tcp_mss->matches(mss)) return false;
  }
  const bool tcp = pkt.proto == 6;
  if (t.flags && !(tcp && t.flags->matches(pkt.tcp_flags))) return false;
  if (t.seq && !(tcp && t.seq->matches(pkt.tcp_seq))) return false;
  if (t.ack && !(tcp && t.ack->matches(pkt.tcp_ack))) return false;
  if (t.window && !(tcp && t.window->matches(pkt.tcp_window))) return false;
  if (t.fragbits || t.fragoffset) {
    uint16_t field = 0;
    if (!ipv4FragmentField(pkt, field)) return false;
    uint8_t bits = static_cast<uint8_t>((field >> 15 & 1) | (field >> 13 & 1) << 1 | (field >> 14 & 1) << 2);
    if (t.fragbits && !t.fragbits->matches(bits)) return false;
    if (t.fragoffset && !t.fragoffset->matches(field & 0x1fff)) return false;
  }
  return true;
}

}  // namespace mamori
