#include "capture/flow.h"

#include <cstring>
#include <tuple>

namespace mamori {

namespace {

inline uint64_t mix(uint64_t h) {
  // splitmix64 finaliser: cheap and spreads every input bit over the word.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

FlowKey FlowKey::of(const DecodedPacket& p) {
  FlowKey k;
  uint16_t sport = p.sport, dport = p.dport;
  if (p.proto == static_cast<uint8_t>(IpProto::Icmp) || p.proto == static_cast<uint8_t>(IpProto::Icmpv6)) {
    // Echo request and reply share the identifier; other ICMP of a host pair is one flow.
    sport = dport = p.icmp_id;
  }
  if (std::tie(p.src, sport) <= std::tie(p.dst, dport)) {
    k.lo_ip = p.src, k.lo_port = sport, k.hi_ip = p.dst, k.hi_port = dport;
  } else {
    k.lo_ip = p.dst, k.lo_port = dport, k.hi_ip = p.src, k.hi_port = sport;
  }
  k.proto = p.proto;
  k.vlan[0] = p.vlan[0];
  k.vlan[1] = p.vlan[1];
  return k;
}

uint64_t FlowKey::hash() const {
  uint64_t h = load64(lo_ip.bytes.data()) ^ mix(load64(lo_ip.bytes.data() + 8));
  h = mix(h ^ load64(hi_ip.bytes.data()));
  h = mix(h ^ load64(hi_ip.bytes.data() + 8));
  h ^= (uint64_t(lo_port) << 48) | (uint64_t(hi_port) << 32) | (uint64_t(proto) << 24) |
       (uint64_t(vlan[0] & 0xfff) << 12) | (vlan[1] & 0xfff);
  return mix(h);
}

const char* tcpStateName(TcpState s) {
  switch (s) {
    case TcpState::None: return "none";
    case TcpState::SynSent: return "syn_sent";
    case TcpState::SynRecv: return "syn_recv";
    case TcpState::Established: return "established";
    case TcpState::FinWait1: return "fin_wait1";
    case TcpState::FinWait2: return "fin_wait2";
    case TcpState::Closing: return "closing";
    case TcpState::Closed: return "closed";
  }
  return "none";
}

bool Flow::established() const {
  if (key.proto == static_cast<uint8_t>(IpProto::Tcp)) {
    return tcp_state >= TcpState::Established;
  }
  return pkts[0] > 0 && pkts[1] > 0;
}

}  // namespace mamori
