#include "capture/decoder.h"

#include <pcap/dlt.h>

#include <algorithm>

// Decisions worth knowing:
// - More than two VLAN tags in one Ethernet header is VlanTooManyLayers (as Suricata):
//   a flow key holds two tags, and silently dropping a third would merge flows of
//   different VLANs.
// - IPv4 total length 0 means "use what was captured": hosts with TCP segmentation
//   offload capture their own outgoing super-frames before the NIC fills the length in
//   (Suricata accepts them the same way). IPv6 payload length 0 (jumbogram or the same
//   offload) is handled alike.
// - A frame longer than the IP total length carries Ethernet padding: the IP length
//   wins. A frame shorter than it was cut by the snap length or is broken: *Truncated.
// - DecodedPacket describes the innermost IP layer; a tunnel whose payload is not IP
//   (GRE with an unknown protocol, VXLAN carrying ARP) leaves the outer layer in place.
// - A fragment header inside an IPv6 datagram just rebuilt from fragments is
//   Ipv6ExthdrDuplFh: no fragments of fragments, which also bounds the recursion.
// - Besides the brief's tunnels, GRE also carries ERSPAN (types I-III, what switch
//   mirror sessions send to a remote sensor) and MPLS over GRE, via the same ethertype
//   dispatch as Ethernet.

namespace mamori {

namespace {

constexpr uint32_t kMaxCaplen = 262144;
constexpr uint8_t kMaxTunnelDepth = 3;
constexpr int kDltRawBsdOs = 14;   // DLT_RAW on BSD/OS; <pcap/dlt.h> only has one DLT_RAW
constexpr int kLinktypeRaw = 101;  // LINKTYPE_RAW, as pcap files store raw IP
// UDP tunnels are recognised by port, as Suricata and Snort 3 do (their defaults): a
// datagram on such a port whose header does not check out stays plain UDP.
constexpr uint16_t kVxlanPort = 4789;    // destination
constexpr uint16_t kGenevePort = 6081;   // destination
constexpr uint16_t kGtpUserPort = 2152;  // either side: GTP-U peers use it both ways
constexpr uint16_t kTeredoPort = 3544;   // either side: the server's or relay's port

uint16_t rd16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t rd32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

constexpr DecodeResult kOk{};
constexpr DecodeResult kHeld{DecodeStatus::FragmentHeld, DecodeEvent::Count};
constexpr DecodeResult bad(DecodeEvent e) { return {DecodeStatus::Malformed, e}; }

struct Ctx {
  FragmentReassembler& frags;
  DecodedPacket& out;
  TimeUs ts;
  uint8_t depth = 0;  // tunnels entered so far
  int reassembled_at = -1;  // tunnel depth of the datagram last rebuilt from fragments
};

DecodeResult decodeEthernet(Ctx& c, const uint8_t* p, uint32_t len);
DecodeResult decodeIpv4(Ctx& c, const uint8_t* p, uint32_t len);
DecodeResult decodeIpv6(Ctx& c, const uint8_t* p, uint32_t len);

// Raw IP link types do not say which version follows; the version nibble does.
DecodeResult decodeRaw(Ctx& c, const uint8_t* p, uint32_t len) {
  switch (p[0] >> 4) {
    case 4: return decodeIpv4(c, p, len);
    case 6: return decodeIpv6(c, p, len);
    default: return bad(DecodeEvent::RawWrongIpVersion);
  }
}

// PPP as carried by PPPoE and PPTP GRE: optional address/control bytes (0xff 0x03), then
// a protocol field that is one byte when compressed (odd first byte).
DecodeResult decodePpp(Ctx& c, const uint8_t* p, uint32_t len) {
  if (len >= 2 && p[0] == 0xff && p[1] == 0x03) {
    p += 2;
    len -= 2;
  }
  if (len < 1) return bad(DecodeEvent::PppTooSmall);
  uint16_t proto = p[0];
  uint32_t hlen = 1;
  if (!(p[0] & 1)) {
    if (len < 2) return bad(DecodeEvent::PppTooSmall);
    proto = rd16(p);
    hlen = 2;
  }
  switch (proto) {
    case 0x0021: return decodeIpv4(c, p + hlen, len - hlen);
    case 0x0057: return decodeIpv6(c, p + hlen, len - hlen);
    default: return kOk;  // LCP, IPCP, CHAP...: valid, not IP
  }
}

DecodeResult decodeMpls(Ctx& c, const uint8_t* p, uint32_t len);

// Everything that follows an ethertype, whether from Ethernet, SLL, GRE or a VLAN tag.
// `outer` records VLAN ids in the packet; inner (tunnelled) tags are not part of the flow.
DecodeResult decodeEthertype(Ctx& c, uint16_t type, const uint8_t* p, uint32_t len,
                             bool outer) {
  int tags = 0;
  for (;;) {
    if (outer) c.out.ethertype = type;
    switch (type) {
      case 0x8100:
      case 0x88a8:
      case 0x9100: {
        if (len < 4) return bad(DecodeEvent::VlanTooSmall);
        if (++tags > 2) return bad(DecodeEvent::VlanTooManyLayers);
        DecodedPacket& o = c.out;
        if (outer && o.vlan_count < 2) o.vlan[o.vlan_count++] = rd16(p) & 0x0fff;
        type = rd16(p + 2);
        p += 4;
        len -= 4;
        continue;
      }
      case 0x0800: return decodeIpv4(c, p, len);
      case 0x86dd: return decodeIpv6(c, p, len);
      case 0x8847:
      case 0x8848: return decodeMpls(c, p, len);
      case 0x8864:
        // PPPoE session: ver/type, code, session id, length, then PPP.
        if (len < 6) return bad(DecodeEvent::PppoeTooSmall);
        return decodePpp(c, p + 6, len - 6);
      default: return kOk;  // ARP, LLDP, STP (802.3 length), PPPoE discovery...
    }
  }
}

DecodeResult decodeMpls(Ctx& c, const uint8_t* p, uint32_t len) {
  for (;;) {
    if (len < 4) return bad(DecodeEvent::MplsTooSmall);
    bool bottom = p[2] & 0x01;
    p += 4;
    len -= 4;
    if (bottom) break;
  }
  // MPLS does not say what it carries; the first nibble is the usual guess.
  if (len == 0) return bad(DecodeEvent::MplsTooSmall);
  switch (p[0] >> 4) {
    case 4: return decodeIpv4(c, p, len);
    case 6: return decodeIpv6(c, p, len);
    case 0:
      // Ethernet pseudowire behind a 4-byte control word (RFC 4448).
      if (len < 4) return bad(DecodeEvent::MplsTooSmall);
      return decodeEthernet(c, p + 4, len - 4);
    default: return kOk;
  }
}

DecodeResult decodeEthernet(Ctx& c, const uint8_t* p, uint32_t len) {
  if (len < 14) return bad(DecodeEvent::EthernetTooSmall);
  if (c.depth == 0) {
    c.out.l2 = p;
    c.out.l2_len = 14;
  }
  return decodeEthertype(c, rd16(p + 12), p + 14, len - 14, c.depth == 0);
}

void resetTransport(DecodedPacket& o) {
  o.sport = o.dport = 0;
  o.tcp_seq = o.tcp_ack = 0;
  o.tcp_window = 0;
  o.tcp_flags = 0;
  o.icmp_type = o.icmp_code = 0;
  o.icmp_id = 0;
}

DecodeResult decodeTcp(Ctx& c, const uint8_t* p, uint32_t len) {
  if (len < 20) return bad(DecodeEvent::TcpTooSmall);
  uint32_t hlen = (p[12] >> 4) * 4u;
  // Suricata's tcp.hlen_too_small covers both a header below 20 bytes and one that
  // does not fit in the segment.
  if (hlen < 20 || hlen > len) return bad(DecodeEvent::TcpHlenTooSmall);
  for (uint32_t i = 20; i < hlen;) {
    uint8_t kind = p[i];
    if (kind == 0) break;  // end of option list
    if (kind == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= hlen) return bad(DecodeEvent::TcpOptionInvalid);
    uint8_t olen = p[i + 1];
    // A length below 2 hides where the next option starts, but every byte is still
    // inside the header, so the segment stays usable.
    if (olen < 2) break;
    if (i + olen > hlen) return bad(DecodeEvent::TcpOptionInvalid);
    i += olen;
  }
  DecodedPacket& o = c.out;
  o.sport = rd16(p);
  o.dport = rd16(p + 2);
  o.tcp_seq = rd32(p + 4);
  o.tcp_ack = rd32(p + 8);
  o.tcp_flags = p[13];
  o.tcp_window = rd16(p + 14);
  o.payload = p + hlen;
  o.payload_len = len - hlen;
  return kOk;
}

// VXLAN (RFC 7348): flags, reserved bytes and the VNI, then an Ethernet frame.
DecodeResult decodeVxlan(Ctx& c, const uint8_t* p, uint32_t len) {
  if (len < 8) return bad(DecodeEvent::VxlanTooSmall);
  // Without the I flag this is not VXLAN but some other use of the port.
  if (!(p[0] & 0x08)) return kOk;
  ++c.depth;
  return decodeEthernet(c, p + 8, len - 8);
}

// Geneve (RFC 8926): version 0, options in 4-byte words, and the payload named by an
// ethertype. Anything but Ethernet or IP inside is Suricata's unknown_payload_type.
DecodeResult decodeGeneve(Ctx& c, const uint8_t* p, uint32_t len) {
  if (len < 8 || p[0] >> 6 != 0) return kOk;
  const uint32_t hlen = 8 + (p[0] & 0x3fu) * 4;
  if (hlen > len) return kOk;
  const uint16_t ptype = rd16(p + 2);
  if (ptype != 0x6558 && ptype != 0x0800 && ptype != 0x86dd) {
    return bad(DecodeEvent::GeneveUnknownPayloadType);
  }
  ++c.depth;
  if (ptype == 0x6558) return decodeEthernet(c, p + hlen, len - hlen);
  return decodeEthertype(c, ptype, p + hlen, len - hlen, false);
}

// GTP-U version 1 (3GPP TS 29.281): only a G-PDU carries a user's packet; echo, error
// indication and end marker messages stay plain UDP. The optional sequence, N-PDU and
// extension-header fields come as one 4-byte block, then a chain of extension headers,
// each sized in 4-byte words by its first byte and naming the next by its last.
DecodeResult decodeGtpUser(Ctx& c, const uint8_t* p, uint32_t len) {
  if (len < 8 || p[0] >> 5 != 1 || !(p[0] & 0x10) || p[1] != 0xff) return kOk;
  const uint32_t msg_len = rd16(p + 2);
  if (msg_len > len - 8) return bad(DecodeEvent::GtpTooSmall);
  const uint32_t end = 8 + msg_len;  // bytes after it are padding
  uint32_t off = 8;
  if (p[0] & 0x07) {
    if (end < 12) return bad(DecodeEvent::GtpTooSmall);
    uint8_t next = (p[0] & 0x04) ? p[11] : 0;
    off = 12;
    // Each header is at least 4 bytes, so the chain ends within the message.
    while (next != 0) {
      if (end - off < 4 || p[off] == 0 || p[off] * 4u > end - off) {
        return bad(DecodeEvent::GtpTooSmall);
      }
      off += p[off] * 4u;
      next = p[off - 1];
    }
  }
  if (off == end) return kOk;  // an empty G-PDU
  switch (p[off] >> 4) {
    case 4: ++c.depth; return decodeIpv4(c, p + off, end - off);
    case 6: ++c.depth; return decodeIpv6(c, p + off, end - off);
    default: return kOk;  // a non-IP PDU session (Ethernet, unstructured)
  }
}

// Teredo (RFC 4380): IPv6 in UDP, optionally behind an authentication header and an
// origin indication. Nothing marks a datagram as Teredo, so as in Suricata the payload
// must be an IPv6 header whose length accounts for exactly the rest of the datagram.
DecodeResult decodeTeredo(Ctx& c, const uint8_t* p, uint32_t len) {
  uint32_t off = 0;
  if (len >= 4 && p[0] == 0 && p[1] == 1) {
    // id length, auth length, client id, auth value, 8-byte nonce, confirmation byte
    off = 4 + p[2] + p[3] + 9u;
  }
  if (len >= off + 8 && p[off] == 0 && p[off + 1] == 0) off += 8;
  if (len < off + 40 || p[off] >> 4 != 6 || 40u + rd16(p + off + 4) != len - off) return kOk;
  ++c.depth;
  return decodeIpv6(c, p + off, len - off);
}

DecodeResult decodeUdp(Ctx& c, const uint8_t* p, uint32_t len) {
  if (len < 8) return bad(DecodeEvent::UdpTooSmall);
  uint32_t ulen = rd16(p + 4);
  // RFC 2675: a jumbogram's UDP length is 0 and the IPv6 length rules.
  if (ulen == 0 && c.out.ip_version == 6) ulen = len;
  if (ulen < 8 || ulen > len) return bad(DecodeEvent::UdpHlenInvalid);
  DecodedPacket& o = c.out;
  o.sport = rd16(p);
  o.dport = rd16(p + 2);
  o.payload = p + 8;
  o.payload_len = ulen - 8;
  if (o.dport == kVxlanPort) return decodeVxlan(c, o.payload, o.payload_len);
  if (o.dport == kGenevePort) return decodeGeneve(c, o.payload, o.payload_len);
  if (o.dport == kGtpUserPort || o.sport == kGtpUserPort) return decodeGtpUser(c, o.payload, o.payload_len);
  if (o.dport == kTeredoPort || o.sport == kTeredoPort) return decodeTeredo(c, o.payload, o.payload_len);
  return kOk;
}

DecodeResult decodeIcmp(Ctx& c, const uint8_t* p, uint32_t len, bool v6) {
  DecodeEvent too_small = v6 ? DecodeEvent::Icmpv6TooSmall : DecodeEvent::IcmpTooSmall;
  if (len < 4) return bad(too_small);
  uint8_t type = p[0];
  bool echo = v6 ? (type == 128 || type == 129) : (type == 0 || type == 8);
  // Besides echo, ICMPv4 timestamp, information and address-mask messages carry id/seq.
  bool has_id = echo || (!v6 && type >= 13 && type <= 18);
  if (has_id && len < 8) return bad(too_small);
  DecodedPacket& o = c.out;
  o.icmp_type = type;
  o.icmp_code = p[1];
  if (echo) o.icmp_id = rd16(p + 4);
  uint32_t hlen = std::min<uint32_t>(len, 8);
  o.payload = p + hlen;
  o.payload_len = len - hlen;
  return kOk;
}

// ERSPAN: type I has no header of its own (GRE without a sequence number), type II an
// 8-byte header, type III a 12-byte one plus an optional 8-byte platform subheader.
DecodeResult decodeErspan(Ctx& c, uint16_t ptype, bool has_seq, const uint8_t* p,
                          uint32_t len) {
  uint32_t hlen = 0;
  if (ptype == 0x22eb) {
    if (len < 12) return bad(DecodeEvent::ErspanTooSmall);
    hlen = (p[11] & 0x01) ? 20 : 12;
  } else if (has_seq) {
    hlen = 8;
  }
  if (len < hlen) return bad(DecodeEvent::ErspanTooSmall);
  ++c.depth;
  return decodeEthernet(c, p + hlen, len - hlen);
}

DecodeResult decodeGre(Ctx& c, const uint8_t* p, uint32_t len) {
  if (len < 4) return bad(DecodeEvent::GreTooSmall);
  uint8_t flags = p[0];
  uint8_t version = p[1] & 0x07;
  uint16_t ptype = rd16(p + 2);
  bool has_seq = flags & 0x10;
  uint32_t hlen = 4;
  DecodedPacket& o = c.out;

  if (version == 1) {
    // PPTP enhanced GRE (RFC 2637): key present, protocol PPP, key holds payload length
    // and call id, then optional sequence and acknowledgement numbers.
    if (!(flags & 0x20) || ptype != 0x880b) return bad(DecodeEvent::GreVersionInvalid);
    hlen = 8 + (has_seq ? 4 : 0) + ((p[1] & 0x80) ? 4 : 0);
    if (len < hlen) return bad(DecodeEvent::GreTooSmall);
    uint32_t ppp_len = std::min<uint32_t>(rd16(p + 4), len - hlen);
    o.payload = p + hlen;
    o.payload_len = ppp_len;
    if (ppp_len == 0) return kOk;  // acknowledgement only
    ++c.depth;
    return decodePpp(c, p + hlen, ppp_len);
  }
  if (version != 0) return bad(DecodeEvent::GreVersionInvalid);

  bool has_routing = flags & 0x40;
  if ((flags & 0x80) || has_routing) hlen += 4;  // checksum + routing offset
  if (flags & 0x20) hlen += 4;                   // key
  if (has_seq) hlen += 4;
  if (len < hlen) return bad(DecodeEvent::GreTooSmall);
  if (has_routing) {
    // RFC 1701 source route entries, ended by address family 0 with length 0.
    for (;;) {
      if (len - hlen < 4) return bad(DecodeEvent::GreTooSmall);
      uint16_t family = rd16(p + hlen);
      uint8_t sre_len = p[hlen + 3];
      hlen += 4;
      if (family == 0 && sre_len == 0) break;
      if (len - hlen < sre_len) return bad(DecodeEvent::GreTooSmall);
      hlen += sre_len;
    }
  }
  o.payload = p + hlen;
  o.payload_len = len - hlen;
  if (ptype == 0x88be || ptype == 0x22eb)
    return decodeErspan(c, ptype, has_seq, p + hlen, len - hlen);
  ++c.depth;
  if (ptype == 0x6558) return decodeEthernet(c, p + hlen, len - hlen);
  return decodeEthertype(c, ptype, p + hlen, len - hlen, false);
}

DecodeResult decodeTransport(Ctx& c, uint8_t proto, const uint8_t* p, uint32_t len) {
  DecodedPacket& o = c.out;
  o.proto = proto;
  o.payload = p;
  o.payload_len = len;
  switch (proto) {
    case 6: return decodeTcp(c, p, len);
    case 17: return decodeUdp(c, p, len);
    case 1: return decodeIcmp(c, p, len, false);
    case 58: return decodeIcmp(c, p, len, true);
    case 47: return decodeGre(c, p, len);
    case 4:
      ++c.depth;
      return decodeIpv4(c, p, len);
    case 41:
      ++c.depth;
      return decodeIpv6(c, p, len);
    default: return kOk;  // SCTP, ESP, OSPF...: payload is the IP payload, no ports
  }
}

FragmentReassembler::Fragment fragmentOf(const DecodedPacket& o) {
  FragmentReassembler::Fragment f;
  f.src = o.src;
  f.dst = o.dst;
  f.vlan[0] = o.vlan[0];
  f.vlan[1] = o.vlan[1];
  return f;
}

// A completed datagram is decoded again from its rebuilt IP header; its fragment fields
// are cleared, so it cannot come back here.
DecodeResult reassemble(Ctx& c, const FragmentReassembler::Fragment& f) {
  const FragmentReassembler::Result result = c.frags.add(f, c.ts);
  if (c.frags.lastAddOverlapped()) {
    c.out.events.set(f.family == 4 ? DecodeEvent::FragOverlap : DecodeEvent::Frag6Overlap);
  }
  switch (result) {
    case FragmentReassembler::Result::Held: return kHeld;
    case FragmentReassembler::Result::TooLarge:
      return bad(f.family == 4 ? DecodeEvent::FragTooLarge : DecodeEvent::Frag6TooLarge);
    case FragmentReassembler::Result::Complete: break;
  }
  c.out.reassembled = true;
  c.reassembled_at = c.depth;
  const uint8_t* d = c.frags.datagram();
  uint32_t n = c.frags.datagramLen();
  return f.family == 4 ? decodeIpv4(c, d, n) : decodeIpv6(c, d, n);
}

DecodeResult decodeIpv4(Ctx& c, const uint8_t* p, uint32_t len) {
  if (c.depth > kMaxTunnelDepth) return bad(DecodeEvent::TunnelTooDeep);
  if (len < 20) return bad(DecodeEvent::Ipv4TooSmall);
  if (p[0] >> 4 != 4) return bad(DecodeEvent::Ipv4WrongVersion);
  uint32_t hlen = (p[0] & 0x0f) * 4u;
  if (hlen < 20) return bad(DecodeEvent::Ipv4HlenTooSmall);
  if (hlen > len) return bad(DecodeEvent::Ipv4Truncated);
  uint32_t total = rd16(p + 2);
  if (total == 0) {
    total = len;
  } else {
    if (total < hlen) return bad(DecodeEvent::Ipv4IplenSmallerThanHlen);
    if (total > len) return bad(DecodeEvent::Ipv4Truncated);
  }
  for (uint32_t i = 20; i < hlen;) {
    uint8_t type = p[i];
    if (type == 0) break;  // end of option list
    if (type == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= hlen) return bad(DecodeEvent::Ipv4OptionInvalid);
    uint8_t olen = p[i + 1];
    if (olen < 2 || i + olen > hlen) return bad(DecodeEvent::Ipv4OptionInvalid);
    i += olen;
  }

  DecodedPacket& o = c.out;
  resetTransport(o);
  o.ip_version = 4;
  o.src = IpAddress::v4(p + 12);
  o.dst = IpAddress::v4(p + 16);
  o.ttl = p[8];
  o.proto = p[9];
  o.tunnel_depth = c.depth;
  o.l3 = p;
  o.l3_len = total;

  uint16_t frag = rd16(p + 6);
  if (frag & 0x3fff) {
    FragmentReassembler::Fragment f = fragmentOf(o);
    f.family = 4;
    f.id = rd16(p + 4);
    f.proto = p[9];
    f.header = p;
    f.header_len = hlen;
    f.offset = (frag & 0x1fffu) * 8;
    f.more = frag & 0x2000;
    f.data = p + hlen;
    f.data_len = total - hlen;
    return reassemble(c, f);
  }
  if (p[9] == 58) o.events.set(DecodeEvent::Ipv4WithIcmpv6);
  return decodeTransport(c, p[9], p + hlen, total - hlen);
}

// Hop-by-hop and destination options (RFC 8200 4.2), checked as Suricata checks them so
// that its decoder-event rules fire where it would. Malformed options raise an event; the
// header's own length still says where the next header starts.
void checkIpv6Options(DecodedPacket& o, const uint8_t* opts, uint32_t optslen, bool hop_by_hop) {
  uint32_t padding = 0, others = 0;
  for (uint32_t i = 0; i < optslen;) {
    const uint8_t type = opts[i];
    if (type == 0) {  // Pad1
      ++padding;
      ++i;
      continue;
    }
    if (i + 1 >= optslen) {
      o.events.set(DecodeEvent::Ipv6ExthdrInvalidOptlen);
      break;
    }
    const uint8_t olen = opts[i + 1];
    if (i + 1 + olen > optslen) {
      o.events.set(DecodeEvent::Ipv6ExthdrInvalidOptlen);
      break;
    }
    // The least value length each known option needs: router alert 2, jumbo payload 4,
    // home address 16.
    uint8_t least = 0;
    switch (type) {
      case 1:  // PadN
        ++padding;
        if (olen == 0) o.events.set(DecodeEvent::Ipv6ZeroLenPadn);
        break;
      case 5: least = 2; ++others; break;
      case 0xc2: least = 4; break;
      case 0xc9: least = 16; ++others; break;
      default:
        o.events.set(hop_by_hop ? DecodeEvent::Ipv6HopoptsUnknownOpt : DecodeEvent::Ipv6DstoptsUnknownOpt);
        ++others;
        break;
    }
    if (olen < least) {
      o.events.set(DecodeEvent::Ipv6ExthdrInvalidOptlen);
      break;
    }
    i += olen + 2u;
  }
  if (padding > 0 && others == 0) {
    o.events.set(hop_by_hop ? DecodeEvent::Ipv6HopoptsOnlyPadding : DecodeEvent::Ipv6DstoptsOnlyPadding);
  }
}

bool knownIpv6NextHeader(uint8_t nh) {
  switch (nh) {
    case 1: case 4: case 6: case 17: case 41: case 47: case 58: case 132: return true;
    default: return false;
  }
}

DecodeResult decodeIpv6(Ctx& c, const uint8_t* p, uint32_t len) {
  if (c.depth > kMaxTunnelDepth) return bad(DecodeEvent::TunnelTooDeep);
  if (len < 40) return bad(DecodeEvent::Ipv6TooSmall);
  if (p[0] >> 4 != 6) return bad(DecodeEvent::Ipv6WrongVersion);
  uint32_t plen = rd16(p + 4);
  uint32_t total = plen == 0 ? len : 40 + plen;
  if (total > len) return bad(DecodeEvent::Ipv6Truncated);

  DecodedPacket& o = c.out;
  resetTransport(o);
  o.ip_version = 6;
  o.src = IpAddress::v6(p + 8);
  o.dst = IpAddress::v6(p + 24);
  o.ttl = p[7];
  o.tunnel_depth = c.depth;
  o.l3 = p;
  o.l3_len = total;

  uint8_t nh = p[6];
  uint32_t nh_at = 6;  // where the byte naming the current header sits
  uint32_t off = 40;
  // Which extension headers were seen: a repeated one is an event and is skipped, as
  // Suricata does (destination options may appear twice: before routing and at the end).
  bool seen_fh = false, seen_rh = false, seen_hh = false, seen_ah = false;
  int dstopts = 0;
  auto skip = [&](uint32_t hl) {
    nh_at = off;
    nh = p[off];
    off += hl;
  };
  for (;;) {
    const uint32_t left = total - off;
    if (nh == 59) {  // no next header
      if (left > 0) o.events.set(DecodeEvent::Ipv6DataAfterNoneHeader);
      o.proto = nh;
      o.payload = p + off;
      o.payload_len = left;
      return kOk;
    }
    // After an extension header, the next one needs its first two bytes, whatever it is.
    if (off > 40 && left < 2) return bad(DecodeEvent::Ipv6TruncExthdr);
    switch (nh) {
      case 0:     // hop-by-hop options
      case 60: {  // destination options
        if (left < 2) return bad(DecodeEvent::Ipv6TruncExthdr);
        const uint32_t hl = (p[off + 1] + 1u) * 8;
        if (left < hl) return bad(DecodeEvent::Ipv6TruncExthdr);
        const bool hop = nh == 0;
        if (hop ? seen_hh : dstopts == 2) {
          o.events.set(hop ? DecodeEvent::Ipv6ExthdrDuplHh : DecodeEvent::Ipv6ExthdrDuplDh);
        } else {
          if (hop) seen_hh = true;
          else ++dstopts;
          checkIpv6Options(o, p + off + 2, hl - 2, hop);
        }
        skip(hl);
        continue;
      }
      case 43:     // routing
      case 135:    // mobility
      case 139:    // HIP
      case 140: {  // shim6
        if (left < 2) return bad(DecodeEvent::Ipv6TruncExthdr);
        const uint32_t hl = (p[off + 1] + 1u) * 8;
        if (left < hl) return bad(DecodeEvent::Ipv6TruncExthdr);
        if (nh == 43) {
          if (seen_rh) o.events.set(DecodeEvent::Ipv6ExthdrDuplRh);
          else if (p[off + 2] == 0) o.events.set(DecodeEvent::Ipv6RhType0);
          seen_rh = true;
        }
        skip(hl);
        continue;
      }
      case 51: {  // AH, whose length counts 4-byte words minus 2
        if (left < 2) return bad(DecodeEvent::Ipv6TruncExthdr);
        const uint32_t hl = (p[off + 1] + 2u) * 4;
        if (left < hl) return bad(DecodeEvent::Ipv6TruncExthdr);
        if (hl >= 4 && (p[off + 2] | p[off + 3]) != 0) o.events.set(DecodeEvent::Ipv6ExthdrAhResNotNull);
        if (seen_ah) o.events.set(DecodeEvent::Ipv6ExthdrDuplAh);
        seen_ah = true;
        skip(hl);
        continue;
      }
      case 44: {
        if (left < 8) return bad(DecodeEvent::Ipv6TruncExthdr);
        if (p[off + 1] != 0) o.events.set(DecodeEvent::Ipv6FhNonZeroReserved);
        if (seen_fh) {
          o.events.set(DecodeEvent::Ipv6ExthdrDuplFh);
          skip(8);
          continue;
        }
        seen_fh = true;
        uint16_t fo = rd16(p + off + 2);
        uint32_t frag_offset = fo & 0xfff8u;
        bool more = fo & 0x0001;
        if (frag_offset == 0 && !more) {
          // Atomic fragment (RFC 6946): the whole datagram, processed in isolation.
          o.events.set(DecodeEvent::Ipv6ExthdrUselessFh);
          skip(8);
          continue;
        }
        // RFC 8200 4.5: every fragment but the last carries a multiple of 8 bytes.
        if (more && (left - 8) % 8 != 0) o.events.set(DecodeEvent::Frag6InvalidLength);
        // A fragment header inside a datagram just rebuilt from fragments would send it
        // back to the reassembler, as deep as an attacker's pre-held trains allow.
        if (c.reassembled_at == c.depth) return bad(DecodeEvent::Ipv6ExthdrDuplFh);
        FragmentReassembler::Fragment f = fragmentOf(o);
        f.family = 6;
        f.id = rd32(p + off + 4);
        f.proto = p[off];
        f.header = p;
        f.header_len = off;
        f.next_header_at = nh_at;
        f.offset = frag_offset;
        f.more = more;
        f.data = p + off + 8;
        f.data_len = total - off - 8;
        o.proto = 44;
        return reassemble(c, f);
      }
      case 50:  // ESP: the rest is encrypted
        o.proto = nh;
        o.payload = p + off;
        o.payload_len = left;
        return kOk;
      default:
        if (nh == 1) o.events.set(DecodeEvent::Ipv6WithIcmpv4);
        else if (!knownIpv6NextHeader(nh)) o.events.set(DecodeEvent::Ipv6UnknownNextHeader);
        return decodeTransport(c, nh, p + off, left);
    }
  }
}

DecodeResult decodeNull(Ctx& c, const uint8_t* p, uint32_t len, bool network_order) {
  if (len < 4) return bad(DecodeEvent::NullTooSmall);
  uint32_t family = rd32(p);
  if (!network_order) {
    // DLT_NULL is in the byte order of the host that captured, which need not be ours;
    // address families are small, so the order that gives a small number is the right one.
    family = uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
    if (family > 0xffff) family = rd32(p);
  }
  switch (family) {
    case 2: return decodeIpv4(c, p + 4, len - 4);
    case 24:  // AF_INET6 on NetBSD, OpenBSD
    case 28:  // FreeBSD
    case 30:  // macOS
      return decodeIpv6(c, p + 4, len - 4);
    default: return bad(DecodeEvent::NullUnsupportedType);
  }
}

}  // namespace

Decoder::Decoder(const FragmentReassembler::Limits& limits) : frags_(limits) {}

DecodeResult Decoder::decode(const RawPacket& raw, DecodedPacket& out) {
  const DecodeResult r = decodeFrame(raw, out);
  if (r.status == DecodeStatus::Malformed) out.events.set(r.error);
  return r;
}

DecodeResult Decoder::decodeFrame(const RawPacket& raw, DecodedPacket& out) {
  out = DecodedPacket{};
  out.ts = raw.ts;
  out.wirelen = raw.wirelen;
  if (raw.caplen == 0) return bad(DecodeEvent::ZeroLength);
  if (raw.caplen > kMaxCaplen) return bad(DecodeEvent::Oversized);

  Ctx c{frags_, out, raw.ts};
  const uint8_t* p = raw.data;
  uint32_t len = raw.caplen;
  switch (raw.linktype) {
    case DLT_EN10MB: return decodeEthernet(c, p, len);
    case DLT_LINUX_SLL:
      // packet type, ARPHRD type, address length, 8 address bytes, protocol
      if (len < 16) return bad(DecodeEvent::SllTooSmall);
      return decodeEthertype(c, rd16(p + 14), p + 16, len - 16, true);
    case DLT_LINUX_SLL2:
      // protocol, reserved, interface index, ARPHRD type, packet type, address length, address
      if (len < 20) return bad(DecodeEvent::SllTooSmall);
      return decodeEthertype(c, rd16(p), p + 20, len - 20, true);
    case DLT_NULL: return decodeNull(c, p, len, false);
    case DLT_LOOP: return decodeNull(c, p, len, true);
    case DLT_RAW:
    case kDltRawBsdOs:
    case kLinktypeRaw: return decodeRaw(c, p, len);
    case DLT_IPV4: return decodeIpv4(c, p, len);
    case DLT_IPV6: return decodeIpv6(c, p, len);
    default: return bad(DecodeEvent::UnsupportedLinktype);
  }
}

}  // namespace mamori
