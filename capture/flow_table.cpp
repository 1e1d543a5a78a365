#include "capture/flow_table.h"

#include <algorithm>

#include "capture/hash_mix.h"

namespace mamori {

namespace {

constexpr uint64_t kFlowIdMask = (1ULL << 51) - 1;  // EVE readers parse ids as doubles

int protoGroup(uint8_t proto) {
  switch (proto) {
    case static_cast<uint8_t>(IpProto::Tcp): return 0;
    case static_cast<uint8_t>(IpProto::Udp): return 1;
    case static_cast<uint8_t>(IpProto::Icmp):
    case static_cast<uint8_t>(IpProto::Icmpv6): return 2;
    default: return 3;
  }
}

uint64_t flowIdOf(const FlowKey& key, TimeUs start) {
  return mix64(key.hash() ^ (static_cast<uint64_t>(start) * 0x9e3779b97f4a7c15ULL)) & kFlowIdMask;
}

}  // namespace

FlowTable::FlowTable(const Config& config, FlowEndHandler& on_end) : on_end_(on_end) {
  size_t per_flow = sizeof(Flow) + 2 * sizeof(uint32_t) + config.observer_bytes_per_flow;
  size_t n = std::max<size_t>(64, config.memcap_bytes / per_flow);
  n = std::min<size_t>(n, kNoFlow - 1);
  // Reserved, not constructed: the pool costs address space until flows need it, and it
  // never moves, so a Flow& stays valid for the flow's life.
  flows_.reserve(n);
  capacity_ = n;
  size_t nb = 1;
  while (nb < n * 2) nb <<= 1;
  buckets_.assign(nb, kNoFlow);
  bucket_mask_ = nb - 1;
  std::fill(std::begin(lru_head_), std::end(lru_head_), kNoFlow);
  std::fill(std::begin(lru_tail_), std::end(lru_tail_), kNoFlow);
  const FlowTimeouts::Pair* groups[4] = {&config.timeouts.tcp, &config.timeouts.udp, &config.timeouts.icmp,
                                         &config.timeouts.other};
  for (int g = 0; g < 4; ++g) {
    timeout_us_[g * 3 + 0] = TimeUs(groups[g]->new_s) * 1000000;
    timeout_us_[g * 3 + 1] = TimeUs(groups[g]->established_s) * 1000000;
    timeout_us_[g * 3 + 2] = TimeUs(groups[g]->closed_s) * 1000000;
  }
}

uint8_t FlowTable::classOf(const Flow& f) const {
  int g = protoGroup(f.key.proto);
  int s = (g == 0 && f.tcp_state == TcpState::Closed) ? 2 : (f.established() ? 1 : 0);
  return static_cast<uint8_t>(g * 3 + s);
}

bool FlowTable::tcpReuse(const Flow& f, const DecodedPacket& pkt) const {
  // A fresh SYN on a finished session starts a new session on the same ports.
  return f.key.proto == static_cast<uint8_t>(IpProto::Tcp) && f.tcp_state == TcpState::Closed &&
         (pkt.tcp_flags & (tcpflag::Syn | tcpflag::Ack | tcpflag::Rst)) == tcpflag::Syn;
}

Flow& FlowTable::track(const DecodedPacket& pkt, Direction& dir) {
  FlowKey key = FlowKey::of(pkt);
  uint64_t h = key.hash();
  uint32_t b = static_cast<uint32_t>(h & bucket_mask_);
  uint32_t idx = buckets_[b];
  while (idx != kNoFlow && !(flows_[idx].key == key)) idx = flows_[idx].hash_next;

  if (idx != kNoFlow && tcpReuse(flows_[idx], pkt)) {
    end(idx, FlowEndReason::Timeout);
    ++stats_.reused;
    idx = kNoFlow;
  }

  if (idx == kNoFlow) {
    idx = allocate();
    Flow& f = flows_[idx];
    f = Flow{};
    f.key = key;
    bool from_server = pkt.proto == static_cast<uint8_t>(IpProto::Tcp) &&
                       (pkt.tcp_flags & (tcpflag::Syn | tcpflag::Ack)) == (tcpflag::Syn | tcpflag::Ack);
    f.client_ip = from_server ? pkt.dst : pkt.src;
    f.server_ip = from_server ? pkt.src : pkt.dst;
    f.client_port = from_server ? pkt.dport : pkt.sport;
    f.server_port = from_server ? pkt.sport : pkt.dport;
    f.start = f.last = pkt.ts;
    f.flow_id = flowIdOf(key, pkt.ts);
    f.icmp_type = pkt.icmp_type;
    f.icmp_code = pkt.icmp_code;
    f.vlan_count = pkt.vlan_count;
    f.bucket = b;
    f.hash_next = buckets_[b];
    buckets_[b] = idx;
    ++stats_.created;
    ++stats_.active;
    ++stats_.created_by_proto[protoGroup(key.proto)];
  } else {
    lruRemove(idx);
  }

  Flow& f = flows_[idx];
  dir = f.directionOf(pkt);
  int d = static_cast<int>(dir);
  ++f.pkts[d];
  f.bytes[d] += pkt.wirelen;
  f.last = std::max(f.last, pkt.ts);
  if (key.proto == static_cast<uint8_t>(IpProto::Tcp)) updateTcpState(f, dir, pkt.tcp_flags);
  lruAppend(idx, classOf(f));
  return f;
}

void FlowTable::updateTcpState(Flow& f, Direction dir, uint8_t flags) {
  int d = static_cast<int>(dir);
  f.tcp_flags[d] |= flags;
  if (flags & tcpflag::Rst) {
    f.tcp_state = TcpState::Closed;
    return;
  }
  switch (f.tcp_state) {
    case TcpState::None:
      if ((flags & (tcpflag::Syn | tcpflag::Ack)) == tcpflag::Syn && dir == Direction::ToServer) {
        f.tcp_state = TcpState::SynSent;
      } else if ((flags & (tcpflag::Syn | tcpflag::Ack)) == (tcpflag::Syn | tcpflag::Ack)) {
        f.tcp_state = TcpState::SynRecv;
      }
      break;
    case TcpState::SynSent:
      if ((flags & (tcpflag::Syn | tcpflag::Ack)) == (tcpflag::Syn | tcpflag::Ack) && dir == Direction::ToClient) {
        f.tcp_state = TcpState::SynRecv;
      }
      break;
    case TcpState::SynRecv:
      if ((flags & (tcpflag::Syn | tcpflag::Ack)) == tcpflag::Ack && dir == Direction::ToServer) {
        f.tcp_state = TcpState::Established;
      }
      break;
    default:
      break;
  }
  if ((flags & tcpflag::Fin) && f.tcp_state >= TcpState::Established) {
    f.fin_seen[d] = true;
    f.tcp_state = (f.fin_seen[0] && f.fin_seen[1]) ? TcpState::Closing : TcpState::FinWait1;
  } else if (f.tcp_state == TcpState::Closing && (flags & tcpflag::Ack)) {
    f.tcp_state = TcpState::Closed;  // the last ACK after both FINs
  }
}

uint32_t FlowTable::allocate() {
  if (free_head_ == kNoFlow && flows_.size() < capacity_) {
    flows_.emplace_back();
    return static_cast<uint32_t>(flows_.size() - 1);
  }
  if (free_head_ == kNoFlow) return evictOldest();
  uint32_t idx = free_head_;
  free_head_ = flows_[idx].hash_next;
  return idx;
}

uint32_t FlowTable::evictOldest() {
  uint32_t victim = kNoFlow;
  for (int c = 0; c < kClasses; ++c) {
    uint32_t h = lru_head_[c];
    if (h != kNoFlow && (victim == kNoFlow || flows_[h].last < flows_[victim].last)) victim = h;
  }
  end(victim, FlowEndReason::Evicted);
  uint32_t idx = free_head_;
  free_head_ = flows_[idx].hash_next;
  return idx;
}

void FlowTable::end(uint32_t idx, FlowEndReason reason) {
  Flow& f = flows_[idx];
  on_end_.onFlowEnd(f, reason);
  unlinkHash(idx);
  lruRemove(idx);
  f.hash_next = free_head_;
  free_head_ = idx;
  --stats_.active;
  ++stats_.ended;
  switch (reason) {
    case FlowEndReason::Timeout: ++stats_.timed_out; break;
    case FlowEndReason::Evicted: ++stats_.evicted; break;
    case FlowEndReason::Shutdown: ++stats_.shutdown; break;
  }
}

void FlowTable::unlinkHash(uint32_t idx) {
  uint32_t* link = &buckets_[flows_[idx].bucket];
  while (*link != idx) link = &flows_[*link].hash_next;
  *link = flows_[idx].hash_next;
}

void FlowTable::lruRemove(uint32_t idx) {
  Flow& f = flows_[idx];
  uint8_t c = f.timeout_class;
  if (f.lru_prev != kNoFlow) flows_[f.lru_prev].lru_next = f.lru_next; else lru_head_[c] = f.lru_next;
  if (f.lru_next != kNoFlow) flows_[f.lru_next].lru_prev = f.lru_prev; else lru_tail_[c] = f.lru_prev;
  f.lru_prev = f.lru_next = kNoFlow;
}

void FlowTable::lruAppend(uint32_t idx, uint8_t cls) {
  Flow& f = flows_[idx];
  f.timeout_class = cls;
  f.lru_prev = lru_tail_[cls];
  f.lru_next = kNoFlow;
  if (lru_tail_[cls] != kNoFlow) flows_[lru_tail_[cls]].lru_next = idx; else lru_head_[cls] = idx;
  lru_tail_[cls] = idx;
}

void FlowTable::expire(TimeUs now) {
  for (int c = 0; c < kClasses; ++c) {
    while (lru_head_[c] != kNoFlow && now - flows_[lru_head_[c]].last > timeout_us_[c]) {
      end(lru_head_[c], FlowEndReason::Timeout);
    }
  }
}

void FlowTable::flushAll() {
  for (int c = 0; c < kClasses; ++c) {
    while (lru_head_[c] != kNoFlow) end(lru_head_[c], FlowEndReason::Shutdown);
  }
}

FlowRecord FlowTable::recordOf(const Flow& f, FlowEndReason reason) {
  FlowRecord r;
  r.flow_id = f.flow_id;
  r.start = f.start;
  r.end = f.last;
  r.src_ip = f.client_ip;
  r.dest_ip = f.server_ip;
  r.src_port = f.client_port;
  r.dest_port = f.server_port;
  r.proto = f.key.proto;
  r.vlan[0] = f.key.vlan[0];
  r.vlan[1] = f.key.vlan[1];
  r.vlan_count = f.vlan_count;
  r.icmp_type = f.icmp_type;
  r.icmp_code = f.icmp_code;
  r.pkts_toserver = f.pkts[0];
  r.pkts_toclient = f.pkts[1];
  r.bytes_toserver = f.bytes[0];
  r.bytes_toclient = f.bytes[1];
  r.tcp_flags_ts = f.tcp_flags[0];
  r.tcp_flags_tc = f.tcp_flags[1];
  bool tcp = f.key.proto == static_cast<uint8_t>(IpProto::Tcp);
  r.tcp_state = tcp ? tcpStateName(f.tcp_state) : nullptr;
  r.state = (tcp && f.tcp_state == TcpState::Closed) ? "closed" : (f.established() ? "established" : "new");
  r.reason = reason;
  r.alerted = f.alerted;
  r.stream_gaps = f.stream_gaps;
  return r;
}

}  // namespace mamori
