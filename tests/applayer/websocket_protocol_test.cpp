#include "applayer/websocket_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using Bytes = std::vector<uint8_t>;
using Records = test::ProtocolRecords;

// A frame as RFC 6455 section 5.2 lays it out: the shortest length form that fits (or the
// 64-bit one when asked), masked with `mask` when given.
Bytes frame(uint8_t first, const std::string& payload, std::optional<uint32_t> mask = std::nullopt, bool long_form = false) {
  Bytes b{first};
  const uint8_t m = mask ? 0x80 : 0;
  const uint64_t n = payload.size();
  if (long_form) {
    b.push_back(m | 127);
    for (int i = 7; i >= 0; --i) b.push_back(static_cast<uint8_t>(n >> (8 * i)));
  } else if (n < 126) {
    b.push_back(static_cast<uint8_t>(m | n));
  } else {
    b.push_back(m | 126);
    b.push_back(static_cast<uint8_t>(n >> 8));
    b.push_back(static_cast<uint8_t>(n));
  }
  uint8_t key[4] = {};
  if (mask) {
    for (int i = 0; i < 4; ++i) key[i] = static_cast<uint8_t>(*mask >> (8 * (3 - i)));
    b.insert(b.end(), key, key + 4);
  }
  for (size_t i = 0; i < payload.size(); ++i) b.push_back(static_cast<uint8_t>(payload[i]) ^ key[i % 4]);
  return b;
}

void feed(AppProtocolParser& p, Direction dir, const Bytes& b, ProtocolSink& sink) { p.onData(dir, b.data(), b.size(), sink); }

std::string payloadOf(const Records& r, size_t i) {
  const auto v = r.values(i, "websocket.payload");
  return v.empty() ? std::string("<none>") : v[0];
}

TEST(WebsocketProtocol, AMaskedFrameIsUnmaskedAndLoggedAsSuricataWritesIt) {
  auto p = WebsocketProtocol().newParser(AppProtocol::kTcp, nullptr);
  Records r;
  feed(*p, Direction::ToServer, frame(0x81, "hello", 0x12345678), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_EQ(payloadOf(r, 0), "hello");
  EXPECT_EQ(r.values(0, "websocket.opcode"), std::vector<std::string>{test::be32(1)});
  EXPECT_EQ(r.values(0, "websocket.flags"), std::vector<std::string>{test::be32(0x80)});
  EXPECT_EQ(r.values(0, "websocket.mask"), std::vector<std::string>{test::be32(0x12345678)});
  const rapidjson::Document eve = r.json(0);
  EXPECT_TRUE(eve["fin"].GetBool());
  EXPECT_EQ(eve["mask"].GetUint(), 0x12345678u);
  EXPECT_STREQ(eve["opcode"].GetString(), "text");
  test::expectEveObjectsMatchSchema("websocket", r.eve);
}

TEST(WebsocketProtocol, ReadsEachLengthFormWhateverTheSegmentation) {
  const std::string medium(300, 'm'), large(70000, 'L');
  Bytes stream = frame(0x82, "tiny");
  for (const Bytes& f : {frame(0x82, medium, 0xa1b2c3d4), frame(0x82, "long form", std::nullopt, true)}) {
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (size_t step : {size_t{1}, size_t{3}, stream.size()}) {
    auto p = WebsocketProtocol().newParser(AppProtocol::kTcp, nullptr);
    Records r;
    for (size_t at = 0; at < stream.size(); at += step) {
      p->onData(Direction::ToClient, stream.data() + at, std::min(step, stream.size() - at), r);
    }
    ASSERT_EQ(r.dirs.size(), 3u) << "step " << step;
    EXPECT_EQ(payloadOf(r, 0), "tiny");
    EXPECT_EQ(payloadOf(r, 1), medium);
    EXPECT_EQ(payloadOf(r, 2), "long form");
    EXPECT_TRUE(r.values(0, "websocket.mask").empty()) << "an unmasked frame has no mask";
    EXPECT_EQ(r.ids, (std::vector<uint64_t>{0, 1, 2}));
  }
}

TEST(WebsocketProtocol, AFragmentedMessageEndsWithItsWholePayloadAndControlFramesStayApart) {
  auto p = WebsocketProtocol().newParser(AppProtocol::kTcp, nullptr);
  Records r;
  feed(*p, Direction::ToServer, frame(0x01, "MALWARE_DOWNLOAD ", 0x01020304), r);
  feed(*p, Direction::ToServer, frame(0x89, "ping", 0x01020304), r);
  feed(*p, Direction::ToClient, frame(0x8a, "pong"), r);
  feed(*p, Direction::ToServer, frame(0x80, "cmd.exe", 0x01020304), r);
  ASSERT_EQ(r.dirs.size(), 4u);
  EXPECT_EQ(payloadOf(r, 0), "MALWARE_DOWNLOAD ") << "a fragment shows its own payload";
  EXPECT_EQ(payloadOf(r, 1), "ping");
  EXPECT_EQ(payloadOf(r, 2), "pong");
  EXPECT_EQ(payloadOf(r, 3), "MALWARE_DOWNLOAD cmd.exe");
  EXPECT_STREQ(r.json(3)["opcode"].GetString(), "continuation");
  feed(*p, Direction::ToServer, frame(0x81, "next", 0x01020304), r);
  EXPECT_EQ(payloadOf(r, 4), "next") << "the message was handed out and forgotten";
}

TEST(WebsocketProtocol, APayloadPastTheBoundIsSkippedAndFramingHolds) {
  auto p = WebsocketProtocol(8).newParser(AppProtocol::kTcp, nullptr);
  Records r;
  feed(*p, Direction::ToServer, frame(0x81, "0123456789abcdef", 0x55aa55aa), r);
  feed(*p, Direction::ToServer, frame(0x81, "after", 0x55aa55aa), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(payloadOf(r, 0), "01234567");
  EXPECT_TRUE(raised(r.events[0], AppLayerEvent::WebsocketSkipEndOfPayload));
  EXPECT_EQ(payloadOf(r, 1), "after");
  EXPECT_FALSE(raised(r.events[1], AppLayerEvent::WebsocketSkipEndOfPayload));
}

TEST(WebsocketProtocol, AMessagePastTheBoundIsCutAndSaysSo) {
  auto p = WebsocketProtocol(8).newParser(AppProtocol::kTcp, nullptr);
  Records r;
  feed(*p, Direction::ToClient, frame(0x02, "abcdef"), r);
  feed(*p, Direction::ToClient, frame(0x80, "ghijk"), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(payloadOf(r, 1), "abcdefgh");
  EXPECT_TRUE(raised(r.events[1], AppLayerEvent::WebsocketReassemblyLimitReached));
}

TEST(WebsocketProtocol, AGapEndsTheDirectionAndAnUnknownOpcodeIsNamedByNumber) {
  auto p = WebsocketProtocol().newParser(AppProtocol::kTcp, nullptr);
  Records r;
  feed(*p, Direction::ToClient, frame(0x83, "x"), r);
  EXPECT_STREQ(r.json(0)["opcode"].GetString(), "unknown-3");
  p->onGap(Direction::ToClient);
  feed(*p, Direction::ToClient, frame(0x81, "lost"), r);
  feed(*p, Direction::ToServer, frame(0x81, "kept", 1), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(payloadOf(r, 1), "kept");
}

TEST(WebsocketProtocol, AHugeDeclaredLengthCostsNoMoreThanTheBound) {
  AppMemory memory(4096);
  auto p = WebsocketProtocol(1024).newParser(AppProtocol::kTcp, &memory);
  Records r;
  Bytes header{0x82, 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  feed(*p, Direction::ToClient, header, r);
  const Bytes chunk(2048, 0x41);
  feed(*p, Direction::ToClient, chunk, r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_EQ(payloadOf(r, 0).size(), 1024u);
  EXPECT_EQ(r.bad, 0);
}

}  // namespace
}  // namespace mamori
