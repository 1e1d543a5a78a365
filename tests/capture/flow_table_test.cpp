#include "capture/flow_table.h"

#include <gtest/gtest.h>

#include <vector>

namespace mamori {
namespace {

struct Ended {
  uint64_t flow_id;
  FlowEndReason reason;
  FlowRecord record;
};

struct Recorder final : FlowEndHandler {
  std::vector<Ended> ended;
  void onFlowEnd(Flow& f, FlowEndReason r) override { ended.push_back({f.flow_id, r, FlowTable::recordOf(f, r)}); }
};

constexpr TimeUs kSec = 1000000;

DecodedPacket packet(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint8_t proto, TimeUs ts,
                     uint8_t flags = 0, uint32_t len = 100) {
  DecodedPacket p;
  IpAddress::parse(src, p.src);
  IpAddress::parse(dst, p.dst);
  p.ip_version = p.src.family;
  p.sport = sport;
  p.dport = dport;
  p.proto = proto;
  p.ts = ts;
  p.tcp_flags = flags;
  p.wirelen = len;
  return p;
}

constexpr uint8_t kTcp = 6, kUdp = 17;
using namespace tcpflag;

TEST(FlowTable, BothDirectionsAreOneFlowOrientedFromTheClient) {
  Recorder rec;
  FlowTable table({}, rec);
  Direction d1, d2;
  Flow& a = table.track(packet("10.0.0.1", 40000, "10.0.0.2", 80, kTcp, 1 * kSec, Syn), d1);
  Flow& b = table.track(packet("10.0.0.2", 80, "10.0.0.1", 40000, kTcp, 1 * kSec + 10, Syn | Ack), d2);
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(d1, Direction::ToServer);
  EXPECT_EQ(d2, Direction::ToClient);
  table.track(packet("10.0.0.1", 40000, "10.0.0.2", 80, kTcp, 1 * kSec + 20, Ack), d1);
  EXPECT_EQ(a.tcp_state, TcpState::Established);
  EXPECT_EQ(table.stats().active, 1u);
  table.flushAll();
  ASSERT_EQ(rec.ended.size(), 1u);
  const FlowRecord& r = rec.ended[0].record;
  EXPECT_EQ(r.src_ip.toString(), "10.0.0.1");
  EXPECT_EQ(r.dest_port, 80);
  EXPECT_EQ(r.pkts_toserver, 2u);
  EXPECT_EQ(r.pkts_toclient, 1u);
  EXPECT_EQ(r.bytes_toserver, 200u);
  EXPECT_STREQ(r.state, "established");
  EXPECT_EQ(r.reason, FlowEndReason::Shutdown);
  EXPECT_EQ(r.tcp_flags_ts, Syn | Ack);
}

TEST(FlowTable, FlowPickedUpOnSynAckIsTurnedRound) {
  Recorder rec;
  FlowTable table({}, rec);
  Direction d;
  Flow& f = table.track(packet("10.0.0.2", 80, "10.0.0.1", 40000, kTcp, kSec, Syn | Ack), d);
  EXPECT_EQ(d, Direction::ToClient);
  EXPECT_EQ(f.client_ip.toString(), "10.0.0.1");
  EXPECT_EQ(f.server_port, 80);
}

TEST(FlowTable, IdleFlowsExpireByProtocolAndStateTimeout) {
  Recorder rec;
  FlowTable::Config c;
  FlowTable table(c, rec);
  Direction d;
  table.track(packet("10.0.0.1", 1000, "10.0.0.2", 53, kUdp, 0), d);  // UDP new: 30 s
  table.track(packet("10.0.0.3", 1000, "10.0.0.4", 53, kUdp, 0), d);  // answered: established, 300 s
  table.track(packet("10.0.0.4", 53, "10.0.0.3", 1000, kUdp, 1), d);
  table.expire(30 * kSec);
  EXPECT_TRUE(rec.ended.empty()) << "exactly at the timeout is not past it";
  table.expire(31 * kSec);
  ASSERT_EQ(rec.ended.size(), 1u);
  EXPECT_EQ(rec.ended[0].record.src_ip.toString(), "10.0.0.1");
  EXPECT_EQ(rec.ended[0].reason, FlowEndReason::Timeout);
  table.expire(300 * kSec);
  EXPECT_EQ(rec.ended.size(), 1u);
  table.expire(302 * kSec);
  EXPECT_EQ(rec.ended.size(), 2u);
  EXPECT_EQ(table.stats().timed_out, 2u);
  EXPECT_EQ(table.stats().active, 0u);
}

TEST(FlowTable, ActivityKeepsAFlowAliveAndExpiryIsPerClass) {
  Recorder rec;
  FlowTable table({}, rec);
  Direction d;
  for (int t = 0; t < 100; t += 10) table.track(packet("10.0.0.1", 1000, "10.0.0.2", 53, kUdp, t * kSec), d);
  table.track(packet("10.0.0.5", 1, "10.0.0.6", 2, kTcp, 95 * kSec, Syn), d);  // TCP new: 60 s
  table.expire(120 * kSec);
  EXPECT_EQ(rec.ended.size(), 0u) << "the UDP flow was last seen at 90 s";
  table.expire(121 * kSec);
  ASSERT_EQ(rec.ended.size(), 1u);
  EXPECT_EQ(rec.ended[0].record.proto, kUdp);
  table.expire(155 * kSec);
  EXPECT_EQ(rec.ended.size(), 1u);
  table.expire(156 * kSec);
  ASSERT_EQ(rec.ended.size(), 2u);
  EXPECT_EQ(rec.ended[1].record.proto, kTcp);
}

TEST(FlowTable, SynOnAClosedSessionStartsANewFlow) {
  Recorder rec;
  FlowTable table({}, rec);
  Direction d;
  auto c2s = [&](uint8_t f, TimeUs t) { table.track(packet("10.0.0.1", 40000, "10.0.0.2", 80, kTcp, t, f), d); };
  auto s2c = [&](uint8_t f, TimeUs t) { table.track(packet("10.0.0.2", 80, "10.0.0.1", 40000, kTcp, t, f), d); };
  c2s(Syn, 1), s2c(Syn | Ack, 2), c2s(Ack, 3), c2s(Fin | Ack, 4), s2c(Fin | Ack, 5), c2s(Ack, 6);
  c2s(Syn, 7);
  ASSERT_EQ(rec.ended.size(), 1u);
  EXPECT_STREQ(rec.ended[0].record.tcp_state, "closed");
  EXPECT_EQ(table.stats().reused, 1u);
  EXPECT_EQ(table.stats().active, 1u);
  c2s(Syn, 8);  // a retransmitted SYN of the new session is not a reuse
  EXPECT_EQ(table.stats().reused, 1u);
}

TEST(FlowTable, FullTableEvictsTheFlowIdleLongest) {
  Recorder rec;
  FlowTable::Config c;
  c.memcap_bytes = 1;  // the table's minimum, 64 flows
  FlowTable table(c, rec);
  const size_t cap = table.capacity();
  Direction d;
  for (size_t i = 0; i < cap + 5; ++i) {
    table.track(packet("10.0.0.1", static_cast<uint16_t>(1000 + i), "10.0.0.2", 53, kUdp, TimeUs(i) * kSec), d);
  }
  EXPECT_EQ(table.stats().evicted, 5u);
  EXPECT_EQ(table.stats().active, cap);
  ASSERT_EQ(rec.ended.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(rec.ended[i].record.src_port, 1000 + i);
    EXPECT_EQ(rec.ended[i].reason, FlowEndReason::Evicted);
  }
}

TEST(FlowTable, VlansSeparateFlowsAndIdsAreStable) {
  Recorder rec;
  FlowTable table({}, rec);
  Direction d;
  auto p = packet("10.0.0.1", 1000, "10.0.0.2", 53, kUdp, kSec);
  Flow& a = table.track(p, d);
  uint64_t id = a.flow_id;
  p.vlan[0] = 10;
  p.vlan_count = 1;
  Flow& b = table.track(p, d);
  EXPECT_NE(&a, &b);
  EXPECT_NE(a.flow_id, b.flow_id);
  EXPECT_LT(id, 1ULL << 53);
  Recorder rec2;
  FlowTable again({}, rec2);
  EXPECT_EQ(again.track(packet("10.0.0.1", 1000, "10.0.0.2", 53, kUdp, kSec), d).flow_id, id)
      << "the same first packet gives the same flow id in any table (any worker)";
}

TEST(FlowTable, IcmpEchoIdentifierSeparatesFlows) {
  Recorder rec;
  FlowTable table({}, rec);
  Direction d;
  auto ping = [&](uint16_t id, bool reply) {
    auto p = reply ? packet("10.0.0.2", 0, "10.0.0.1", 0, 1, kSec) : packet("10.0.0.1", 0, "10.0.0.2", 0, 1, kSec);
    p.icmp_id = id;
    p.icmp_type = reply ? 0 : 8;
    return &table.track(p, d);
  };
  Flow* a = ping(7, false);
  EXPECT_EQ(ping(7, true), a);
  EXPECT_NE(ping(8, false), a);
}

}  // namespace
}  // namespace mamori
