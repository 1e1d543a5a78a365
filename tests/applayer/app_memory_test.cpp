// The app layer's buffers grow within the worker's AppMemory: what they take is given
// back, and a buffer the budget has no room for is refused, counted, and costs the parser
// only the data it could not hold.
#include "applayer/app_memory.h"

#include <gtest/gtest.h>

#include <vector>

#include <ndpi/ndpi_api.h>

#include "applayer/app_identifier.h"
#include "applayer/dns_tcp_framer.h"
#include "applayer/tls_parser.h"
#include "capture/capture_engine.h"
#include "capture/pcap_source.h"
#include "capture/worker.h"
#include "tests/applayer/tls_builder.h"
#include "tests/support/test_support.h"

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

TEST(AppMemory, WhatWasAllocatedAlreadyIsChargedPastTheLimitAndThenNothingMoreIsTaken) {
  AppMemory memory(1000);
  memory.charge(1200);
  EXPECT_EQ(memory.used(), 1200u);
  EXPECT_EQ(memory.peak(), 1200u);
  EXPECT_TRUE(memory.full());
  EXPECT_FALSE(memory.take(1));
  EXPECT_EQ(memory.refused(), 2u);
  memory.give(300);
  EXPECT_FALSE(memory.full());
  EXPECT_TRUE(memory.take(100));
}

TEST(AppMemory, TlsCertificateChainIsChargedForTheParsersLifeAndNotKeptWithoutRoom) {
  // Two "certificates" of 3000 bytes each (not DER: kept and fingerprinted all the same).
  const Bytes chain = record(22, handshake(11, certificateMessage({Bytes(3000, 0x30), Bytes(3000, 0x31)})));
  AppMemory memory(1 << 20);
  {
    TlsParser parser(&memory);
    parser.onData(Direction::ToClient, chain.data(), chain.size());
    ASSERT_EQ(parser.handshake().certificates.size(), 2u);
    EXPECT_GE(memory.used(), 6000u) << "both DERs are held for the flow and charged";
  }
  EXPECT_EQ(memory.used(), 0u);

  // Room for the message being parsed and the first certificate, not the second.
  AppMemory tight(chain.size() + 3000);
  TlsParser parser(&tight);
  parser.onData(Direction::ToClient, chain.data(), chain.size());
  EXPECT_TRUE(parser.handshake().certificates_seen);
  EXPECT_EQ(parser.handshake().certificates.size(), 1u);
  EXPECT_EQ(parser.counters().memcap, 1u);
}

// nDPI allocates beside its flow struct as it dissects (TLS message buffers, names); all of
// it is charged to the worker's budget, and all of it is given back when flows end.
struct NdpiRun {
  explicit NdpiRun(size_t budget) : memory(budget), identifier(AppIdentifier::Config{}, &memory) {}

  // Samples, on every packet, how far the charge goes beyond nDPI's flow structs.
  struct Sampler final : FlowObserver {
    NdpiRun* run = nullptr;
    void onPacket(const DecodedPacket&, Flow&, Direction) override {
      run->identifier.publish();
      const size_t structs = run->identifier.published().flows_in_progress * SIZEOF_FLOW_STRUCT;
      const size_t used = run->memory.used();
      if (used > structs) run->most_beyond_structs = std::max(run->most_beyond_structs, used - structs);
    }
  };

  void capture(const std::string& path) {
    auto source = PcapSource::openFile(path);
    ASSERT_TRUE(source) << path;
    struct NoRecords : FlowRecordSink {
      void onFlowRecord(const FlowRecord&) override {}
    } records;
    Sampler sampler;
    sampler.run = this;
    Worker worker(0, Worker::Config{}, records);
    worker.addObserver(&identifier);
    worker.addObserver(&sampler);
    CaptureEngine engine(*source, {&worker});
    engine.run();
  }

  AppMemory memory;
  AppIdentifier identifier;
  size_t most_beyond_structs = 0;
};

TEST(AppMemory, NdpiAllocationsBesideItsFlowStructAreChargedAndAllGivenBack) {
  MAMORI_REQUIRE_SHARED();
  NdpiRun run(size_t{1} << 30);
  run.capture(test::sharedDir() + "/corpus/ndpi/tls_long_cert.pcap");
  EXPECT_GT(run.most_beyond_structs, 1000u) << "nDPI's TLS buffer is charged";
  EXPECT_EQ(run.memory.used(), 0u) << "every flow ended and gave back what it was charged";
  EXPECT_EQ(run.memory.refused(), 0u);
}

TEST(AppMemory, WithTheBudgetSpentFlowsIdentifyingLongestGiveWayToNewOnesAndAreCounted) {
  MAMORI_REQUIRE_SHARED();
  NdpiRun roomy(size_t{1} << 30);
  roomy.capture(test::sharedDir() + "/corpus/ndpi/teams.pcap");
  roomy.identifier.publish();
  const AppIdentifierCounters all = roomy.identifier.published();
  EXPECT_EQ(all.flows_cut, 0u);

  // Room for about two flows being identified at once.
  const size_t budget = 2 * SIZEOF_FLOW_STRUCT;
  NdpiRun tight(budget);
  tight.capture(test::sharedDir() + "/corpus/ndpi/teams.pcap");
  tight.identifier.publish();
  const AppIdentifierCounters cut = tight.identifier.published();
  EXPECT_GT(cut.flows_cut, 0u) << "refused " << tight.memory.refused() << " peak " << tight.memory.peak() << " in progress " << cut.flows_in_progress << " unknown " << cut.flows_unknown << " all unknown " << all.flows_unknown;
  EXPECT_GT(cut.flows_unknown, all.flows_unknown) << "flows cut short lose what nDPI would have learnt";
  uint64_t identified = 0;
  for (uint64_t n : cut.flows_by_proto) identified += n;
  EXPECT_GT(identified, 0u) << "new flows still get nDPI's attention";
  // Past the limit by at most what nDPI allocates on one packet of one flow.
  EXPECT_LT(tight.memory.peak(), budget + (64 << 10));
  EXPECT_EQ(tight.memory.used(), 0u);
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
