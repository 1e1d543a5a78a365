#pragma once
// Every kind of malformed packet the decoder can meet. Each has its own counter; the
// names follow Suricata's decoder event names so a SIEM dashboard built on
// stats.decoder.event.* reads ours unchanged.
#include <cstddef>
#include <cstdint>

namespace mamori {

#define MAMORI_DECODE_ERRORS(X)                          \
  X(ZeroLength, "pkt.zero_length")                       \
  X(Oversized, "pkt.oversized")                          \
  X(UnsupportedLinktype, "pkt.unsupported_linktype")     \
  X(EthernetTooSmall, "ethernet.pkt_too_small")          \
  X(VlanTooSmall, "vlan.pkt_too_small")                  \
  X(VlanTooManyLayers, "vlan.too_many_layers")           \
  X(SllTooSmall, "sll.pkt_too_small")                    \
  X(NullTooSmall, "ltnull.pkt_too_small")                \
  X(NullUnsupportedType, "ltnull.unsupported_type")      \
  X(RawWrongIpVersion, "raw.wrong_ip_version")           \
  X(MplsTooSmall, "mpls.header_too_small")               \
  X(PppoeTooSmall, "pppoe.pkt_too_small")                \
  X(PppTooSmall, "ppp.pkt_too_small")                    \
  X(Ipv4TooSmall, "ipv4.pkt_too_small")                  \
  X(Ipv4HlenTooSmall, "ipv4.hlen_too_small")             \
  X(Ipv4IplenSmallerThanHlen, "ipv4.iplen_smaller_than_hlen") \
  X(Ipv4Truncated, "ipv4.trunc_pkt")                     \
  X(Ipv4WrongVersion, "ipv4.wrong_ip_version")           \
  X(Ipv4OptionInvalid, "ipv4.opt_invalid")               \
  X(Ipv6TooSmall, "ipv6.pkt_too_small")                  \
  X(Ipv6Truncated, "ipv6.trunc_pkt")                     \
  X(Ipv6WrongVersion, "ipv6.wrong_ip_version")           \
  X(Ipv6ExthdrInvalid, "ipv6.exthdr_invalid")            \
  X(Ipv6ExthdrDuplFh, "ipv6.exthdr_dupl_fh")             \
  X(FragTooLarge, "ipv4.frag_pkt_too_large")             \
  X(Frag6TooLarge, "ipv6.frag_pkt_too_large")            \
  X(TcpTooSmall, "tcp.pkt_too_small")                    \
  X(TcpHlenTooSmall, "tcp.hlen_too_small")               \
  X(TcpOptionInvalid, "tcp.opt_invalid")                 \
  X(UdpTooSmall, "udp.pkt_too_small")                    \
  X(UdpHlenInvalid, "udp.hlen_invalid")                  \
  X(IcmpTooSmall, "icmpv4.pkt_too_small")                \
  X(Icmpv6TooSmall, "icmpv6.pkt_too_small")              \
  X(GreTooSmall, "gre.pkt_too_small")                    \
  X(GreVersionInvalid, "gre.wrong_version")              \
  X(ErspanTooSmall, "erspan.header_too_small")           \
  X(VxlanTooSmall, "vxlan.pkt_too_small")                \
  X(TunnelTooDeep, "tunnel.too_deep")

enum class DecodeError : uint8_t {
#define MAMORI_ENUM(name, text) name,
  MAMORI_DECODE_ERRORS(MAMORI_ENUM)
#undef MAMORI_ENUM
      Count
};

constexpr size_t kDecodeErrorCount = static_cast<size_t>(DecodeError::Count);

// Suricata-style event name, e.g. "ipv4.trunc_pkt".
const char* decodeErrorName(DecodeError e);

}  // namespace mamori
