#pragma once
// What a capture source hands to a worker (RawPacket), and what the decoder makes of it
// (DecodedPacket). A DecodedPacket points into the raw frame (or into the fragment
// reassembler's buffer for a reassembled datagram); it owns nothing and lives for one
// trip through the worker loop.
#include <cstdint>

#include "capture/decode_event.h"
#include "capture/ip_address.h"

namespace mamori {

// Microseconds since the Unix epoch, in packet time.
using TimeUs = int64_t;

struct RawPacket {
  const uint8_t* data = nullptr;
  uint32_t caplen = 0;   // bytes present in data
  uint32_t wirelen = 0;  // bytes the packet had on the wire
  TimeUs ts = 0;
  int linktype = 0;      // DLT_* of the source
};

enum class IpProto : uint8_t { Icmp = 1, Tcp = 6, Udp = 17, Gre = 47, Icmpv6 = 58 };

namespace tcpflag {
constexpr uint8_t Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10, Urg = 0x20,
                  Ece = 0x40, Cwr = 0x80;
}

struct DecodedPacket {
  TimeUs ts = 0;
  uint32_t wirelen = 0;

  // Innermost IP layer (after any GRE / VXLAN / IP-in-IP tunnel).
  uint8_t ip_version = 0;  // 0: not an IP packet (ARP, LLDP, ...): counted, no flow
  IpAddress src, dst;
  uint8_t proto = 0;       // IP protocol number of the transport
  uint8_t ttl = 0;         // TTL / hop limit
  uint16_t vlan[2] = {0, 0};
  uint8_t vlan_count = 0;
  uint8_t tunnel_depth = 0;
  bool reassembled = false;  // built from IP fragments

  // The outermost Ethernet header (14 bytes; none for other link types), and the type of
  // what it (or SLL) carries after any VLAN tags: 0x0806 for ARP.
  const uint8_t* l2 = nullptr;
  uint32_t l2_len = 0;
  uint16_t ethertype = 0;

  const uint8_t* l3 = nullptr;  // start of the innermost IP header
  uint32_t l3_len = 0;          // bytes of IP datagram present from l3

  // Transport: ports are 0 for protocols without them. For ICMP, sport = type, dport = code
  // are NOT used; see icmp_type / icmp_code.
  uint16_t sport = 0, dport = 0;
  uint32_t tcp_seq = 0, tcp_ack = 0;
  uint16_t tcp_window = 0;
  uint8_t tcp_flags = 0;
  uint8_t icmp_type = 0, icmp_code = 0;
  uint16_t icmp_id = 0;  // echo request/reply identifier, part of the ICMP flow key

  const uint8_t* payload = nullptr;  // transport payload (after TCP/UDP/ICMP header)
  uint32_t payload_len = 0;

  // What the decoder found wrong or odd with the packet (for a malformed one, also the
  // check that failed): counted, and matched by decode-event rules.
  DecodeEventSet events;
};

}  // namespace mamori
