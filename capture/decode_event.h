#pragma once
// Every event the decoder raises on a packet: each kind of malformed packet (the decoder
// stops there and the packet goes no further than the rules on its events), and the
// anomalies of packets that still decode (an IPv6 fragment header that fragments nothing,
// overlapping fragments). Each has its own counter; the names are Suricata's decoder event
// names, so a SIEM dashboard built on stats.decoder.event.* reads ours unchanged and a
// rule's decode-event:NAME finds its event.
#include <cstddef>
#include <cstdint>

namespace mamori {

#define MAMORI_DECODE_EVENTS(X)                          \
  X(ZeroLength, "pkt.zero_length")                       \
  X(Oversized, "pkt.oversized")                          \
  X(UnsupportedLinktype, "pkt.unsupported_linktype")     \
  X(EthernetTooSmall, "ethernet.pkt_too_small")          \
  X(VlanTooSmall, "vlan.header_too_small")                \
  X(VlanTooManyLayers, "vlan.too_many_layers")           \
  X(SllTooSmall, "sll.pkt_too_small")                    \
  X(NullTooSmall, "ltnull.pkt_too_small")                \
  X(NullUnsupportedType, "ltnull.unsupported_type")      \
  X(RawWrongIpVersion, "ipraw.invalid_ip_version")           \
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
  X(Ipv6TruncExthdr, "ipv6.trunc_exthdr")                \
  X(Ipv6ExthdrDuplFh, "ipv6.exthdr_dupl_fh")             \
  X(Ipv6ExthdrUselessFh, "ipv6.exthdr_useless_fh")       \
  X(Ipv6ExthdrDuplRh, "ipv6.exthdr_dupl_rh")             \
  X(Ipv6ExthdrDuplHh, "ipv6.exthdr_dupl_hh")             \
  X(Ipv6ExthdrDuplDh, "ipv6.exthdr_dupl_dh")             \
  X(Ipv6ExthdrDuplAh, "ipv6.exthdr_dupl_ah")             \
  X(Ipv6ExthdrInvalidOptlen, "ipv6.exthdr_invalid_optlen") \
  X(Ipv6ExthdrAhResNotNull, "ipv6.exthdr_ah_res_not_null") \
  X(Ipv6HopoptsUnknownOpt, "ipv6.hopopts_unknown_opt")   \
  X(Ipv6HopoptsOnlyPadding, "ipv6.hopopts_only_padding") \
  X(Ipv6DstoptsUnknownOpt, "ipv6.dstopts_unknown_opt")   \
  X(Ipv6DstoptsOnlyPadding, "ipv6.dstopts_only_padding") \
  X(Ipv6RhType0, "ipv6.rh_type_0")                       \
  X(Ipv6ZeroLenPadn, "ipv6.zero_len_padn")               \
  X(Ipv6FhNonZeroReserved, "ipv6.fh_non_zero_reserved_field") \
  X(Ipv6DataAfterNoneHeader, "ipv6.data_after_none_header") \
  X(Ipv6UnknownNextHeader, "ipv6.unknown_next_header")   \
  X(Ipv6WithIcmpv4, "ipv6.icmpv4")                       \
  X(Ipv4WithIcmpv6, "ipv4.icmpv6")                       \
  X(Frag6InvalidLength, "ipv6.frag_invalid_length")      \
  X(FragOverlap, "ipv4.frag_overlap")                    \
  X(Frag6Overlap, "ipv6.frag_overlap")                   \
  X(FragTooLarge, "ipv4.frag_pkt_too_large")             \
  X(Frag6TooLarge, "ipv6.frag_pkt_too_large")            \
  X(TcpTooSmall, "tcp.pkt_too_small")                    \
  X(TcpHlenTooSmall, "tcp.hlen_too_small")               \
  X(TcpOptionInvalid, "tcp.opt_invalid_len")               \
  X(UdpTooSmall, "udp.pkt_too_small")                    \
  X(UdpHlenInvalid, "udp.hlen_invalid")                  \
  X(IcmpTooSmall, "icmpv4.pkt_too_small")                \
  X(Icmpv6TooSmall, "icmpv6.pkt_too_small")              \
  X(GreTooSmall, "gre.pkt_too_small")                    \
  X(GreVersionInvalid, "gre.wrong_version")              \
  X(ErspanTooSmall, "erspan.header_too_small")           \
  X(VxlanTooSmall, "vxlan.pkt_too_small")                \
  X(GeneveUnknownPayloadType, "geneve.unknown_payload_type") \
  X(GtpTooSmall, "gtp.pkt_too_small")                    \
  X(TunnelTooDeep, "tunnel.too_deep")

enum class DecodeEvent : uint8_t {
#define MAMORI_ENUM(name, text) name,
  MAMORI_DECODE_EVENTS(MAMORI_ENUM)
#undef MAMORI_ENUM
      Count
};

constexpr size_t kDecodeEventCount = static_cast<size_t>(DecodeEvent::Count);

// Suricata-style event name, e.g. "ipv4.trunc_pkt".
const char* decodeEventName(DecodeEvent e);

// The events raised on one packet.
class DecodeEventSet {
 public:
  void set(DecodeEvent e) { bits_[index(e) / 64] |= uint64_t{1} << (index(e) % 64); }
  bool test(DecodeEvent e) const { return bits_[index(e) / 64] >> (index(e) % 64) & 1; }
  bool any() const {
    for (uint64_t word : bits_) {
      if (word) return true;
    }
    return false;
  }
  // Calls f(event) for each event set, in enum order.
  template <typename F>
  void forEach(F&& f) const {
    for (size_t w = 0; w < kWords; ++w) {
      for (uint64_t word = bits_[w]; word; word &= word - 1) {
        f(static_cast<DecodeEvent>(w * 64 + static_cast<size_t>(__builtin_ctzll(word))));
      }
    }
  }

 private:
  static constexpr size_t kWords = (kDecodeEventCount + 63) / 64;
  static size_t index(DecodeEvent e) { return static_cast<size_t>(e); }
  uint64_t bits_[kWords] = {};
};

}  // namespace mamori
