// The detect stage as the worker drives it: packets, then the stream data they deliver.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "applayer/app_identifier.h"
#include "detect/detect_observer.h"
#include "rules/rule_parser.h"

namespace mamori {
namespace {

struct Sink : AlertSink {
  std::vector<uint32_t> sids;
  void onAlert(const Alert& a) override { sids.push_back(a.sid); }
};

class DetectObserverTest : public ::testing::Test {
 protected:
  void load(const std::string& rules, const AppIdentifier* apps = nullptr) {
    RuleParser parser;
    ParsedRules parsed;
    parser.parseText(rules, "t.rules", parsed);
    for (const RuleError& e : parsed.errors) ADD_FAILURE() << e.toString();
    std::vector<RuleError> errors;
    slot_ = std::make_unique<RuleSetSlot>(SignatureDatabase::build(std::move(parsed.rules), errors));
    observer_ = std::make_unique<DetectObserver>(*slot_, sink_, apps);
    IpAddress::parse("10.0.0.1", flow_.client_ip);
    IpAddress::parse("10.0.0.2", flow_.server_ip);
    flow_.client_port = 40000;
    flow_.server_port = 80;
    flow_.key.proto = 6;
    flow_.flow_id = 7;
    flow_.tcp_state = TcpState::Established;
    flow_.tcp_flags[0] = flow_.tcp_flags[1] = tcpflag::Syn | tcpflag::Ack;
  }

  // One client segment carrying `data` at stream `offset`, delivered in order unless
  // `delivered` is false (a retransmission).
  std::vector<uint32_t> segment(const std::string& data, uint64_t offset, bool delivered = true) {
    sink_.sids.clear();
    DecodedPacket pkt;
    pkt.ip_version = 4;
    pkt.proto = 6;
    pkt.src = flow_.client_ip;
    pkt.dst = flow_.server_ip;
    pkt.sport = flow_.client_port;
    pkt.dport = flow_.server_port;
    pkt.tcp_flags = tcpflag::Ack | tcpflag::Psh;
    pkt.payload = reinterpret_cast<const uint8_t*>(data.data());
    pkt.payload_len = static_cast<uint32_t>(data.size());
    ++flow_.pkts[0];
    observer_->onPacket(pkt, flow_, Direction::ToServer);
    if (delivered) {
      observer_->onStreamData(flow_, Direction::ToServer, pkt.payload, pkt.payload_len, offset);
    }
    return sink_.sids;
  }

  // A packet of `dir` with `data` (empty: a bare ACK), as the worker hands it to the
  // identifier first and then to detection; no stream data.
  std::vector<uint32_t> packet(Direction dir, const std::string& data, AppIdentifier& apps) {
    sink_.sids.clear();
    const bool to_server = dir == Direction::ToServer;
    DecodedPacket pkt;
    pkt.ip_version = 4;
    pkt.proto = 6;
    pkt.src = to_server ? flow_.client_ip : flow_.server_ip;
    pkt.dst = to_server ? flow_.server_ip : flow_.client_ip;
    pkt.sport = to_server ? flow_.client_port : flow_.server_port;
    pkt.dport = to_server ? flow_.server_port : flow_.client_port;
    pkt.tcp_flags = tcpflag::Ack;
    pkt.payload = reinterpret_cast<const uint8_t*>(data.data());
    pkt.payload_len = static_cast<uint32_t>(data.size());
    ++flow_.pkts[static_cast<int>(dir)];
    apps.onPacket(pkt, flow_, dir);
    observer_->onPacket(pkt, flow_, dir);
    std::sort(sink_.sids.begin(), sink_.sids.end());
    return sink_.sids;
  }

  std::unique_ptr<RuleSetSlot> slot_;
  std::unique_ptr<DetectObserver> observer_;
  Sink sink_;
  Flow flow_;
};

using Sids = std::vector<uint32_t>;

TEST_F(DetectObserverTest, ContentSplitAcrossSegmentsMatchesOnce) {
  load("alert tcp any any -> any any (content:\"evil-payload\"; sid:1;)");
  EXPECT_EQ(segment("xx evil-", 0), Sids{});
  EXPECT_EQ(segment("payload yy", 8), Sids{1});
  EXPECT_EQ(segment("zz", 18), Sids{});  // the match is in bytes inspected already
  EXPECT_EQ(segment("evil-payload", 20), Sids{1});  // a new occurrence alerts again
}

TEST_F(DetectObserverTest, RetransmittedDataDoesNotAlertTwice) {
  load("alert tcp any any -> any any (content:\"GET\"; sid:1;)");
  EXPECT_EQ(segment("GET /", 0), Sids{1});
  EXPECT_EQ(segment("GET /", 0, false), Sids{});
}

// Anchored stream rules (depth, offset, startswith) hold in each newly inspected chunk, as
// in Suricata: every IRC message of a connection, not only its first.
TEST_F(DetectObserverTest, AnchorsCountFromEachNewChunk) {
  load("alert tcp any any -> any any (content:\"PRIVMSG\"; depth:7; sid:1;)\n"
       "alert tcp any any -> any any (content:\"#ops\"; offset:8; depth:4; sid:2;)\n"
       "alert tcp any any -> any any (content:\"PING\"; startswith; sid:3;)\n");
  EXPECT_EQ(segment("PRIVMSG #ops :hello\r\n", 0), (Sids{1, 2}));
  EXPECT_EQ(segment("PRIVMSG #ops :again\r\n", 21), (Sids{1, 2}));
  EXPECT_EQ(segment("PING :server\r\n", 42), Sids{3});
  // Not at the chunk's start: the look-back before it does not move the anchor.
  EXPECT_EQ(segment("x PRIVMSG #ops\r\n", 57), Sids{});
  EXPECT_EQ(segment("xx", 74), Sids{});
  EXPECT_EQ(segment("PRIVMSG", 76), Sids{1});
}

// From the stream's start too: an anchored match split over the first segments is found.
TEST_F(DetectObserverTest, AnchorsCountFromTheStreamStartToo) {
  load("alert tcp any any -> any any (content:\"GET\"; depth:3; sid:1;)");
  EXPECT_EQ(segment("GE", 0), Sids{});
  EXPECT_EQ(segment("T /", 2), Sids{1});
  EXPECT_EQ(segment("x", 5), Sids{});  // the match lies in bytes inspected already
}

TEST_F(DetectObserverTest, PacketRulesStayPerPacket) {
  load("alert tcp-pkt any any -> any any (content:\"ab\"; sid:1;)\n"
       "alert tcp any any -> any any (content:\"ab\"; dsize:2; sid:2;)\n"
       "alert tcp any any -> any any (content:\"ab\"; flow:no_stream; sid:3;)\n"
       "alert tcp any any -> any any (content:\"ab\"; sid:4;)\n");
  EXPECT_EQ(segment("ab", 0), (Sids{1, 2, 3, 4}));
  EXPECT_EQ(segment("ab", 0, false), (Sids{1, 2, 3}));
}

TEST_F(DetectObserverTest, StreamSizeCountsTheDataSoFar) {
  load("alert tcp any any -> any any (content:\"x\"; stream_size:client,<,5; sid:1;)\n"
       "alert tcp-pkt any any -> any any (content:\"x\"; stream_size:client,>=,5; sid:2;)\n");
  EXPECT_EQ(segment("ax", 0), Sids{1});   // 2 bytes + the SYN
  flow_.stream[0].next_offset = 2;
  EXPECT_EQ(segment("xxx", 2), Sids{2});  // 5 bytes + the SYN
}

TEST_F(DetectObserverTest, GapStartsTheLookbackAfresh) {
  load("alert tcp any any -> any any (content:\"abcd\"; sid:1;)");
  EXPECT_EQ(segment("ab", 0), Sids{});
  observer_->onStreamGap(flow_, Direction::ToServer, 2, 10);
  EXPECT_EQ(segment("cd", 12), Sids{});
}

TEST_F(DetectObserverTest, FlowEndReleasesTheFlowsState) {
  load("alert tcp any any -> any any (content:\"a\"; flowbits:set,seen; noalert; sid:1;)\n"
       "alert tcp any any -> any any (content:\"b\"; flowbits:isset,seen; sid:2;)\n");
  segment("a", 0);
  EXPECT_EQ(segment("b", 1), Sids{2});
  observer_->onFlowEnd(flow_);
  flow_.flow_id = 8;  // the slot's next flow starts clean
  EXPECT_EQ(segment("b", 2), Sids{});
}

// A rule of app-layer-protocol tests alone is about the verdict: Suricata tries it on the
// packet of each direction where detection completed, and on the one where a change of
// protocol completed (once for the flow), not on every packet after; with any other test it
// stays a packet rule.
TEST_F(DetectObserverTest, ProtocolDetectionOnlyRulesMatchWhereDetectionCompleted) {
  AppIdentifier apps(AppIdentifier::Config{});
  apps.bindSlot(1);
  load("alert tcp any any -> any any (app-layer-protocol:http; sid:1;)\n"
       "alert tcp any any -> any any (app-layer-protocol:http; dsize:>0; sid:2;)\n"
       "alert tcp any any -> any any (app-layer-protocol:http1,original; app-layer-protocol:http2,final; sid:3;)\n"
       "alert tcp any any -> any any (flow:to_server; app-layer-protocol:!tls; flowbits:set,x; sid:4;)\n",
       &apps);
  using D = Direction;
  EXPECT_EQ(packet(D::ToServer, "GET / HTTP/1.1\r\n", apps), Sids{}) << "not identified yet";
  apps.nameAppProto(flow_, "http", false);
  EXPECT_EQ(packet(D::ToServer, "Host: a\r\n\r\n", apps), (Sids{1, 2, 4}));
  EXPECT_EQ(packet(D::ToServer, "more", apps), Sids{2});
  EXPECT_EQ(packet(D::ToClient, "", apps), Sids{}) << "a bare ACK completes no detection";
  EXPECT_EQ(packet(D::ToClient, "HTTP/1.1 101 Switching Protocols\r\n", apps), (Sids{1, 2}));
  EXPECT_EQ(packet(D::ToClient, "x", apps), Sids{2});
  apps.nameAppProto(flow_, "http2", true);  // the h2c upgrade
  EXPECT_EQ(packet(D::ToClient, "settings", apps), (Sids{1, 2, 3}));
  EXPECT_EQ(packet(D::ToClient, "data", apps), Sids{2});
  EXPECT_EQ(packet(D::ToServer, "PRI * HTTP/2.0", apps), Sids{2}) << "a change completes once, for the flow";
  EXPECT_EQ(packet(D::ToServer, "headers", apps), Sids{2});
}

}  // namespace
}  // namespace mamori
