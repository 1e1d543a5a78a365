#include "capture/flow.h"

#include "capture/hash_mix.h"

#include <cstring>
#include <tuple>

namespace mamori {

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
  uint64_t h = load64(lo_ip.bytes.data()) ^ mix64(load64(lo_ip.bytes.data() + 8));
  h = mix64(h ^ load64(hi_ip.bytes.data()));
  h = mix64(h ^ load64(hi_ip.bytes.data() + 8));
  h ^= (uint64_t(lo_port) << 48) | (uint64_t(hi_port) << 32) | (uint64_t(proto) << 24) |
       (uint64_t(vlan[0] & 0xfff) << 12) | (vlan[1] & 0xfff);
  return mix64(h);
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
