#include "applayer/dnp3_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "applayer/dnp3_link_frame.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using Bytes = std::vector<uint8_t>;
using Records = test::ProtocolRecords;
using test::be32;

void appendCrc(Bytes& b, size_t from) {
  const uint16_t crc = dnp3Crc(b.data() + from, b.size() - from);
  b.push_back(static_cast<uint8_t>(crc));
  b.push_back(static_cast<uint8_t>(crc >> 8));
}

// A link frame from master 3 to outstation 4 (or back) carrying `user` (transport header first),
// its CRCs computed as IEEE 1815 lays them out.
Bytes frame(const Bytes& user, bool from_master = true) {
  Bytes b{0x05, 0x64, static_cast<uint8_t>(5 + user.size()), static_cast<uint8_t>(from_master ? 0xc4 : 0x44)};
  const uint16_t dst = from_master ? 4 : 3, src = from_master ? 3 : 4;
  b.insert(b.end(), {static_cast<uint8_t>(dst), static_cast<uint8_t>(dst >> 8), static_cast<uint8_t>(src), static_cast<uint8_t>(src >> 8)});
  appendCrc(b, 0);
  for (size_t at = 0; at < user.size(); at += 16) {
    const size_t start = b.size();
    b.insert(b.end(), user.begin() + at, user.begin() + std::min(user.size(), at + 16));
    appendCrc(b, start);
  }
  return b;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

void feed(AppProtocolParser& p, Direction dir, const Bytes& b, ProtocolSink& sink) { p.onData(dir, b.data(), b.size(), sink); }

std::unique_ptr<AppProtocolParser> parser() { return Dnp3Protocol().newParser(AppProtocol::kTcp, nullptr); }

TEST(Dnp3Protocol, TheCrcIsDnp3s) {
  // IEEE 1815's example header: 05 64 05 C0 01 00 00 04, CRC E9 21.
  const Bytes header{0x05, 0x64, 0x05, 0xc0, 0x01, 0x00, 0x00, 0x04};
  EXPECT_EQ(dnp3Crc(header.data(), header.size()), 0x21e9);
}

TEST(Dnp3Protocol, AReadRequestAndItsResponseAreFragmentsWithTheirFields) {
  auto p = parser();
  Records r;
  // Transport FIR|FIN, application FIR|FIN seq 1, READ class 1, 2, 3 data (group 60 var 2-4, all).
  feed(*p, Direction::ToServer, frame({0xc0, 0xc1, 0x01, 0x3c, 0x02, 0x06, 0x3c, 0x03, 0x06, 0x3c, 0x04, 0x06}), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_TRUE(r.logged[0]) << "each fragment is a transaction of its own";
  EXPECT_EQ(r.values(0, "dnp3_func"), std::vector<std::string>{be32(1)});
  EXPECT_EQ(r.values(0, "dnp3_obj"), (std::vector<std::string>{be32(0x3c02), be32(0x3c03), be32(0x3c04)}));
  EXPECT_EQ(r.values(0, "dnp3_data").at(0).size(), 11u) << "the fragment without transport header and CRCs";
  const rapidjson::Document req = r.json(0);
  EXPECT_STREQ(req["type"].GetString(), "request");
  EXPECT_EQ(req["src"].GetUint(), 3u);
  EXPECT_TRUE(req["control"]["dir"].GetBool());
  EXPECT_EQ(req["application"]["objects"].Size(), 3u);
  EXPECT_EQ(req["application"]["control"]["sequence"].GetUint(), 1u);

  feed(*p, Direction::ToClient, frame({0xc0, 0xc1, 0x81, 0x90, 0x00}, false), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(r.values(1, "dnp3_ind"), std::vector<std::string>{be32(0x9000)});
  const rapidjson::Document resp = r.json(1);
  ASSERT_EQ(resp["iin"]["indicators"].Size(), 2u);
  EXPECT_STREQ(resp["iin"]["indicators"][0].GetString(), "device_restart");
  EXPECT_STREQ(resp["iin"]["indicators"][1].GetString(), "need_time");
  test::expectEveObjectsMatchSchema("dnp3", {r.eve[0], r.eve[1]});
  EXPECT_EQ(r.bad, 0);
}

TEST(Dnp3Protocol, TransportSegmentsAreJoinedAndFramesSplitAcrossSegmentsFramed) {
  auto p = parser();
  Records r;
  Bytes app{0xc2, 0x02};  // WRITE
  for (int i = 0; i < 30; ++i) app.push_back(static_cast<uint8_t>(i));
  Bytes first{0x40}, second{0x81};  // FIR seq 0, FIN seq 1
  first.insert(first.end(), app.begin(), app.begin() + 20);
  second.insert(second.end(), app.begin() + 20, app.end());
  const Bytes both = cat({frame(first), frame(second)});
  feed(*p, Direction::ToServer, Bytes(both.begin(), both.begin() + 13), r);
  feed(*p, Direction::ToServer, Bytes(both.begin() + 13, both.end()), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_EQ(r.values(0, "dnp3_data").at(0), std::string(app.begin(), app.end()));
  EXPECT_EQ(r.values(0, "dnp3_func"), std::vector<std::string>{be32(2)});
}

TEST(Dnp3Protocol, BadCrcsAndShortLengthsRaiseTheirEvents) {
  auto p = parser();
  Records r;
  Bytes bad_header = frame({0xc0, 0xc1, 0x01});
  bad_header[8] ^= 0xff;
  feed(*p, Direction::ToServer, bad_header, r);
  Bytes bad_data = frame({0xc0, 0xc1, 0x01});
  bad_data.back() ^= 0xff;
  feed(*p, Direction::ToServer, bad_data, r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_TRUE(raised(r.events[0], AppLayerEvent::Dnp3BadLinkCrc));
  EXPECT_TRUE(raised(r.events[1], AppLayerEvent::Dnp3BadTransportCrc));
  EXPECT_FALSE(r.logged[0]) << "an event record is inspected, not written";
  feed(*p, Direction::ToServer, frame({0xc0, 0xc1}), r);  // a fragment without its function
  ASSERT_EQ(r.dirs.size(), 3u);
  EXPECT_TRUE(raised(r.events[2], AppLayerEvent::Dnp3Malformed));
  feed(*p, Direction::ToServer, Bytes{0x05, 0x64, 0x04, 0xc4, 0, 0, 0, 0, 0, 0}, r);
  ASSERT_EQ(r.dirs.size(), 4u);
  EXPECT_TRUE(raised(r.events[3], AppLayerEvent::Dnp3LenTooSmall));
  EXPECT_EQ(r.bad, 1) << "and the direction is given up";
}

TEST(Dnp3Protocol, AFragmentPastTheBoundIsDroppedWithAnEvent) {
  auto p = parser();
  Records r;
  Bytes segment(250, 0x11);
  segment[0] = 0x40;  // FIR, never FIN
  feed(*p, Direction::ToServer, frame(segment), r);
  segment[0] = 0x01;
  for (size_t i = 0; i < Dnp3Protocol::kMaxFragment / 249 + 1; ++i) feed(*p, Direction::ToServer, frame(segment), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_TRUE(raised(r.events[0], AppLayerEvent::Dnp3TooLongReassembly));
}

TEST(Dnp3Protocol, DatagramsHoldWholeFramesAndTheProbeTakesTheStartBytes) {
  auto p = Dnp3Protocol().newParser(AppProtocol::kUdp, nullptr);
  Records r;
  const Bytes request = frame({0xc0, 0xc1, 0x01, 0x3c, 0x01, 0x06});
  feed(*p, Direction::ToServer, request, r);
  EXPECT_EQ(r.dirs.size(), 1u);
  feed(*p, Direction::ToServer, Bytes(request.begin(), request.end() - 3), r);
  EXPECT_EQ(r.bad, 1) << "a datagram cut short";
  const Dnp3Protocol dnp3;
  EXPECT_EQ(dnp3.probe(AppProtocol::kTcp, Direction::ToServer, request.data(), request.size()), ProbeResult::Match);
  EXPECT_EQ(dnp3.probe(AppProtocol::kTcp, Direction::ToServer, request.data(), 2), ProbeResult::Unsure);
  const Bytes other{0x05, 0x05, 0x11};
  EXPECT_EQ(dnp3.probe(AppProtocol::kTcp, Direction::ToServer, other.data(), other.size()), ProbeResult::NoMatch);
}

}  // namespace
}  // namespace mamori
