#include "applayer/rdp_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "applayer/app_memory.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"
#include "tests/applayer/rdp_builder.h"

namespace mamori {
namespace {

using namespace test::rdp;
using Records = test::ProtocolRecords;

void feed(AppProtocolParser& p, Direction dir, const Bytes& b, Records& r) { p.onData(dir, b.data(), b.size(), r); }

std::string eventType(const Records& r, size_t i) { return r.json(i)["event_type"].GetString(); }

TEST(RdpProtocol, NegotiationToTlsIsLoggedThenHandedOver) {
  AppMemory memory(1 << 20);
  auto p = RdpProtocol().newParser(AppProtocol::kTcp, &memory);
  Records r;
  feed(*p, Direction::ToServer, request("alice", 0x0b), r);
  feed(*p, Direction::ToClient, confirm(2), r);
  EXPECT_EQ(p->protocolChange().to, nullptr) << "nothing of TLS seen yet";
  const Bytes hello = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};
  feed(*p, Direction::ToServer, hello, r);
  ASSERT_EQ(r.eve.size(), 3u);
  EXPECT_EQ(r.bad, 0);
  EXPECT_EQ(eventType(r, 0), "initial_request");
  EXPECT_STREQ(r.json(0)["cookie"].GetString(), "alice");
  EXPECT_EQ(r.json(0)["tx_id"].GetUint(), 0u);
  EXPECT_EQ(eventType(r, 1), "initial_response");
  EXPECT_EQ(eventType(r, 2), "tls_handshake");
  EXPECT_EQ(r.json(2)["tx_id"].GetUint(), 2u);
  const ProtocolChange change = p->protocolChange();
  ASSERT_NE(change.to, nullptr);
  EXPECT_STREQ(change.to, "tls");
  EXPECT_EQ(change.unread, hello.size()) << "the TLS parser reads the handshake from its first byte";
  test::expectEveObjectsMatchSchema("rdp", r.eve);
  p.reset();
  EXPECT_EQ(memory.used(), 0u);
}

TEST(RdpProtocol, StandardSecurityLogsTheClientsCoreDataAndChannels) {
  auto p = RdpProtocol().newParser(AppProtocol::kTcp, nullptr);
  Records r;
  feed(*p, Direction::ToServer, request("", 0), r);
  feed(*p, Direction::ToClient, confirm(0), r);
  const Bytes initial = connectInitial(
      [] {
        Bytes blocks = clientCore("WORKSTATION7", 0x409, 7601);
        const Bytes net = clientNetwork({"rdpdr", "rdpsnd", "cliprdr"});
        blocks.insert(blocks.end(), net.begin(), net.end());
        return blocks;
      }());
  // Segment by segment: the packet is framed by its TPKT length.
  for (size_t at = 0; at < initial.size(); at += 50) {
    const Bytes part(initial.begin() + static_cast<std::ptrdiff_t>(at),
                     initial.begin() + static_cast<std::ptrdiff_t>(std::min(initial.size(), at + 50)));
    feed(*p, Direction::ToServer, part, r);
  }
  feed(*p, Direction::ToClient, connectResponse(), r);
  ASSERT_EQ(r.eve.size(), 4u);
  EXPECT_EQ(r.bad, 0);
  EXPECT_FALSE(r.json(0).HasMember("cookie"));
  const rapidjson::Document eve = r.json(2);
  ASSERT_TRUE(eve.IsObject()) << r.eve[2];
  EXPECT_EQ(eventType(r, 2), "connect_request");
  const auto& c = eve["client"];
  EXPECT_STREQ(c["version"].GetString(), "v5");
  EXPECT_EQ(c["desktop_width"].GetUint(), 1280u);
  EXPECT_EQ(c["desktop_height"].GetUint(), 1024u);
  EXPECT_EQ(c["color_depth"].GetUint(), 24u) << "the high color depth wins";
  EXPECT_STREQ(c["keyboard_layout"].GetString(), "en-US");
  EXPECT_STREQ(c["build"].GetString(), "Windows 7 SP1");
  EXPECT_STREQ(c["client_name"].GetString(), "WORKSTATION7");
  EXPECT_STREQ(c["keyboard_type"].GetString(), "enhanced");
  EXPECT_EQ(c["function_keys"].GetUint(), 12u);
  EXPECT_EQ(c["product_id"].GetUint(), 1u);
  EXPECT_STREQ(c["id"].GetString(), "27ab-42");
  ASSERT_EQ(eve["channels"].Size(), 3u);
  EXPECT_STREQ(eve["channels"][2].GetString(), "cliprdr");
  EXPECT_EQ(eventType(r, 3), "connect_response");
  EXPECT_EQ(p->protocolChange().to, nullptr) << "standard RDP security stays RDP";
  // RDP's own traffic after the start (a fast-path PDU) is not parsed and not malformed.
  feed(*p, Direction::ToServer, {0x44, 0x05, 0x00, 0x00, 0x00}, r);
  EXPECT_EQ(r.bad, 0);
  test::expectEveObjectsMatchSchema("rdp", r.eve);
}

TEST(RdpProtocol, BytesThatAreNotTpktBeforeTheConfirmAreMalformed) {
  auto p = RdpProtocol().newParser(AppProtocol::kTcp, nullptr);
  Records r;
  feed(*p, Direction::ToServer, {'G', 'E', 'T', ' ', '/', ' '}, r);
  EXPECT_EQ(r.bad, 1);
  EXPECT_TRUE(r.eve.empty());
  // A negotiation request with a wrong length is malformed too.
  auto q = RdpProtocol().newParser(AppProtocol::kTcp, nullptr);
  Bytes bad = request("", 3);
  bad[bad.size() - 6] = 9;
  feed(*q, Direction::ToServer, bad, r);
  EXPECT_EQ(r.bad, 2);
}

TEST(RdpProtocol, ABlockRunningPastItsDataIsRefused) {
  auto p = RdpProtocol().newParser(AppProtocol::kTcp, nullptr);
  Records r;
  Bytes core = clientCore("x", 0x409, 1);
  core[2] = 0xff;  // the block's length: past the blocks' end
  core[3] = 0x7f;
  feed(*p, Direction::ToServer, connectInitial(core), r);
  EXPECT_EQ(r.bad, 1);
  EXPECT_TRUE(r.eve.empty());
}

TEST(RdpProtocol, ProbeTakesAConnectionRequestOrConfirm) {
  const Bytes cr = request("a", 1), cc = confirm(1);
  EXPECT_EQ(RdpProtocol().probe(AppProtocol::kTcp, Direction::ToServer, cr.data(), cr.size()), ProbeResult::Match);
  EXPECT_EQ(RdpProtocol().probe(AppProtocol::kTcp, Direction::ToClient, cc.data(), cc.size()), ProbeResult::Match);
  EXPECT_EQ(RdpProtocol().probe(AppProtocol::kTcp, Direction::ToServer, cc.data(), cc.size()), ProbeResult::NoMatch);
  EXPECT_EQ(RdpProtocol().probe(AppProtocol::kTcp, Direction::ToServer, cr.data(), 3), ProbeResult::Unsure);
  const Bytes tls = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01};
  EXPECT_EQ(RdpProtocol().probe(AppProtocol::kTcp, Direction::ToServer, tls.data(), tls.size()), ProbeResult::NoMatch);
  EXPECT_TRUE(RdpProtocol().probesUsualPortsOnly());
}

}  // namespace
}  // namespace mamori
