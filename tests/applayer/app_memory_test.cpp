// The app layer's buffers grow within the worker's AppMemory: what they take is given
// back, and a buffer the budget has no room for is refused, counted, and costs the parser
// only the data it could not hold.
#include "applayer/app_memory.h"

#include <gtest/gtest.h>

#include <vector>

#include "applayer/dns_tcp_framer.h"
#include "applayer/tls_parser.h"
#include "tests/applayer/tls_builder.h"

namespace mamori {
namespace {

using namespace test::tls;

TEST(AppMemory, RefusesWhatItHasNoRoomForAndCountsIt) {
  AppMemory memory(1000);
  EXPECT_TRUE(memory.take(600));
  EXPECT_FALSE(memory.take(401));
  EXPECT_EQ(memory.refused(), 1u);
  EXPECT_TRUE(memory.take(400));
  memory.give(1000);
  EXPECT_EQ(memory.used(), 0u);
  EXPECT_EQ(memory.peak(), 1000u);
}

TEST(AppMemory, TlsHandshakeBufferIsChargedAndGivenBack) {
  AppMemory memory(1 << 20);
  {
    TlsParser parser(&memory);
    // A ClientHello record that declares 16,000 bytes and brings 1,200: the parser holds them.
    Bytes hello = record(22, cat(Bytes{1, 0, 0x3e, 0x80}, Bytes(1196, 0x41)));
    parser.onData(Direction::ToServer, hello.data(), hello.size());
    EXPECT_GE(memory.used(), 1200u);
    EXPECT_EQ(parser.counters().memcap, 0u);
  }
  EXPECT_EQ(memory.used(), 0u) << "the parser gave its buffer back";
}

TEST(AppMemory, TlsDirectionWithNoRoomIsGivenUpAndCounted) {
  AppMemory memory(1000);
  TlsParser parser(&memory);
  Bytes hello = record(22, cat(Bytes{1, 0, 0x3e, 0x80}, Bytes(1196, 0x41)));
  parser.onData(Direction::ToServer, hello.data(), hello.size());
  EXPECT_EQ(parser.counters().memcap, 1u);
  EXPECT_EQ(memory.refused(), 1u);
  EXPECT_EQ(memory.used(), 0u);
  // The other direction still parses: a ServerHello in one record needs no more room.
  Bytes server = record(22, handshake(2, serverHello(0x0303, 0x1301, {})));
  parser.onData(Direction::ToClient, server.data(), server.size());
  EXPECT_TRUE(parser.handshake().server_hello);
}

TEST(AppMemory, DnsMessageSplitOverSegmentsWithNoRoomIsSkippedAndTheNextOneRead) {
  AppMemory memory(100);
  DnsTcpFramer framer(&memory);
  // A 300-byte message split in two chunks (it must be copied), then a 20-byte one whole.
  Bytes stream{0x01, 0x2c};
  stream.resize(2 + 300, 0xaa);
  stream.insert(stream.end(), {0x00, 0x14});
  stream.resize(stream.size() + 20, 0xbb);
  std::vector<size_t> got;
  auto collect = [&](const uint8_t*, size_t n) { got.push_back(n); };
  framer.feed(stream.data(), 150, collect);
  framer.feed(stream.data() + 150, stream.size() - 150, collect);
  EXPECT_EQ(got, std::vector<size_t>{20});
  EXPECT_EQ(framer.counters().memcap_skipped, 1u);
  EXPECT_EQ(memory.refused(), 1u);
}

}  // namespace
}  // namespace mamori
