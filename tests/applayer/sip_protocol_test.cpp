#include "applayer/sip_protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mamori {
namespace {

struct Collected final : ProtocolSink {
  void emit(Direction dir, const ProtocolTransaction& tx) override {
    dirs.push_back(dir);
    ids.push_back(tx.tx_id);
    first.emplace_back(tx.value(tx.fields[tx.fields[0].name == std::string_view("sip.method") ? 0 : 1]));
  }
  void malformed() override { ++bad; }
  std::vector<Direction> dirs;
  std::vector<uint64_t> ids;
  std::vector<std::string> first;  // the method or status code
  int bad = 0;
};

void feed(AppProtocolParser& p, Direction dir, const std::string& s, ProtocolSink& sink) {
  p.onData(dir, reinterpret_cast<const uint8_t*>(s.data()), s.size(), sink);
}

const std::string kInvite = "INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/TCP a\r\nContent-Length: 3\r\n\r\nv=0";
const std::string kTrying = "SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\n";

TEST(SipProtocol, ProbesTheFirstLineAndFallsBackToPort5060OnlyWhenUnsure) {
  SipProtocol sip;
  auto probe = [&](const std::string& s) {
    return sip.probe(AppProtocol::kUdp, Direction::ToServer, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(probe(kInvite), ProbeResult::Match);
  EXPECT_EQ(probe(kTrying), ProbeResult::Match);
  EXPECT_EQ(probe("GET / HTTP/1.1\r\n"), ProbeResult::NoMatch);
  EXPECT_EQ(probe("REGIS"), ProbeResult::Unsure);
  EXPECT_TRUE(sip.usualPort(5060));
  EXPECT_FALSE(sip.usualPort(80));
}

TEST(SipProtocol, TcpMessagesAreFramedAcrossSegmentsAndNumberedInTheFlow) {
  AppMemory memory(1 << 20);
  SipProtocol sip;
  Collected out;
  {
    auto parser = sip.newParser(AppProtocol::kTcp, &memory);
    const std::string both = kInvite + "\r\n\r\n" + kInvite;  // a keep-alive between two requests
    for (size_t i = 0; i < both.size(); i += 7) feed(*parser, Direction::ToServer, both.substr(i, 7), out);
    feed(*parser, Direction::ToClient, kTrying, out);
    EXPECT_GT(memory.used(), 0u);
    parser->onEnd(out);
  }
  EXPECT_EQ(out.first, (std::vector<std::string>{"INVITE", "INVITE", "100"}));
  EXPECT_EQ(out.ids, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(out.dirs, (std::vector<Direction>{Direction::ToServer, Direction::ToServer, Direction::ToClient}));
  EXPECT_EQ(out.bad, 0);
  EXPECT_EQ(memory.used(), 0u) << "the buffers give back what they took";
}

TEST(SipProtocol, AGapOrBytesThatAreNotSipEndThatDirectionOnly) {
  SipProtocol sip;
  Collected out;
  auto parser = sip.newParser(AppProtocol::kTcp, nullptr);
  feed(*parser, Direction::ToServer, kInvite.substr(0, 10), out);
  parser->onGap(Direction::ToServer);
  feed(*parser, Direction::ToServer, kInvite, out);
  feed(*parser, Direction::ToClient, "HTTP/1.1 200 OK\r\n\r\n", out);
  feed(*parser, Direction::ToClient, kTrying, out);
  EXPECT_TRUE(out.first.empty());
  EXPECT_EQ(out.bad, 1);
}

TEST(SipProtocol, AMessageLongerThanTheBoundIsRefusedNotBuffered) {
  AppMemory memory(1 << 20);
  SipProtocol sip;
  Collected out;
  auto parser = sip.newParser(AppProtocol::kTcp, &memory);
  feed(*parser, Direction::ToServer, "INVITE sip:b@x SIP/2.0\r\nContent-Length: 999999\r\n\r\n", out);
  const std::string chunk(8192, 'a');
  for (int i = 0; i < 20; ++i) feed(*parser, Direction::ToServer, chunk, out);
  EXPECT_EQ(out.bad, 1);
  EXPECT_LE(memory.peak(), SipProtocol::kMaxMessage);
  EXPECT_EQ(memory.used(), 0u);
}

TEST(SipProtocol, UdpDatagramsAreMessagesAndBlankKeepAlivesAreSkipped) {
  SipProtocol sip;
  Collected out;
  auto parser = sip.newParser(AppProtocol::kUdp, nullptr);
  feed(*parser, Direction::ToServer, kInvite, out);
  feed(*parser, Direction::ToServer, "     ", out);
  feed(*parser, Direction::ToClient, "\r\n\r\n", out);
  feed(*parser, Direction::ToClient, "not sip\r\n\r\n", out);
  feed(*parser, Direction::ToClient, kTrying, out);
  EXPECT_EQ(out.first, (std::vector<std::string>{"INVITE", "100"}));
  EXPECT_EQ(out.bad, 1);
}

}  // namespace
}  // namespace mamori
