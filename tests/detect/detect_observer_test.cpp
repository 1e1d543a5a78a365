// The detect stage as the worker drives it: packets, then the stream data they deliver.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  void load(const std::string& rules) {
    RuleParser parser;
    ParsedRules parsed;
    parser.parseText(rules, "t.rules", parsed);
    for (const RuleError& e : parsed.errors) ADD_FAILURE() << e.toString();
    std::vector<RuleError> errors;
    slot_ = std::make_unique<RuleSetSlot>(SignatureDatabase::build(std::move(parsed.rules), errors));
    observer_ = std::make_unique<DetectObserver>(*slot_, sink_);
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

}  // namespace
}  // namespace mamori
