// The DCERPC plug-in as AppParsers drives it: its probe, and the records it emits: a
// request's record for detection only, its answer's with the whole exchange as Suricata's
// EVE dcerpc object, the fields rules inspect (applayer/dcerpc_record.h), an unanswered
// request written at the flow's end.
#include "applayer/dcerpc_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "applayer/dcerpc_record.h"
#include "tests/applayer/dcerpc_builder.h"

namespace mamori {
namespace {

using namespace test::dcerpc;

const std::string kNetlogon = "12345678-1234-abcd-ef00-01234567cffb";

struct Record {
  Direction dir;
  bool logged;
  uint64_t tx_id;
  std::string eve;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> named(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : fields) {
      if (n == name) out.push_back(v);
    }
    return out;
  }
};

struct Collected final : ProtocolSink {
  void emit(Direction dir, const ProtocolTransaction& tx) override {
    Record r{dir, tx.logged, tx.tx_id, tx.eve, {}};
    for (const ProtocolField& f : tx.fields) r.fields.emplace_back(f.name, tx.value(f));
    EXPECT_STREQ(tx.protocol, "dcerpc");
    records.push_back(std::move(r));
  }
  void malformed() override { ++bad; }
  std::vector<Record> records;
  int bad = 0;
};

rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

void feed(AppProtocolParser& p, Direction dir, const std::vector<uint8_t>& b, ProtocolSink& sink) {
  p.onData(dir, b.data(), b.size(), sink);
}

TEST(DcerpcProtocol, ProbesVersionFiveConnectionOrientedPdusOfTheRightSide) {
  DcerpcProtocol p;
  const std::vector<uint8_t> b = bind(1, {{0, kNetlogon, 1, 0}});
  EXPECT_EQ(p.probe(AppProtocol::kTcp, Direction::ToServer, b.data(), b.size()), ProbeResult::Match);
  EXPECT_EQ(p.probe(AppProtocol::kTcp, Direction::ToClient, b.data(), b.size()), ProbeResult::NoMatch)
      << "a server does not send binds";
  EXPECT_EQ(p.probe(AppProtocol::kTcp, Direction::ToServer, b.data(), 10), ProbeResult::Unsure);
  const std::vector<uint8_t> ack = bindAck(1, {0});
  EXPECT_EQ(p.probe(AppProtocol::kTcp, Direction::ToClient, ack.data(), ack.size()), ProbeResult::Match);
  std::vector<uint8_t> v4 = b;
  v4[0] = 4;
  EXPECT_EQ(p.probe(AppProtocol::kTcp, Direction::ToServer, v4.data(), 1), ProbeResult::NoMatch) << "connectionless is v4";
  std::vector<uint8_t> minor2 = b;
  minor2[1] = 2;
  EXPECT_EQ(p.probe(AppProtocol::kTcp, Direction::ToServer, minor2.data(), minor2.size()), ProbeResult::NoMatch);
  std::vector<uint8_t> ping = b;
  ping[2] = 1;  // a connectionless type
  EXPECT_EQ(p.probe(AppProtocol::kTcp, Direction::ToServer, ping.data(), ping.size()), ProbeResult::NoMatch);
  EXPECT_EQ(p.probe(AppProtocol::kUdp, Direction::ToServer, b.data(), b.size()), ProbeResult::NoMatch);
}

TEST(DcerpcProtocol, AnExchangeIsOneLoggedRecordWithSuricatasFields) {
  DcerpcProtocol protocol;
  AppMemory memory(1 << 20);
  auto parser = protocol.newParser(AppProtocol::kTcp, &memory);
  Collected sink;
  feed(*parser, Direction::ToServer, bind(2, {{0, kNetlogon, 1, 0}, {1, kNetlogon, 1, 0}}), sink);
  feed(*parser, Direction::ToClient, bindAck(2, {2, 0}), sink);
  feed(*parser, Direction::ToServer, request(3, 1, 4, "stub-in"), sink);
  feed(*parser, Direction::ToClient, response(3, 1, "stub-out"), sink);
  parser->onEnd(sink);
  ASSERT_EQ(sink.records.size(), 4u);
  EXPECT_FALSE(sink.records[0].logged);
  EXPECT_TRUE(sink.records[1].logged);
  EXPECT_FALSE(sink.records[2].logged);
  EXPECT_TRUE(sink.records[3].logged);
  EXPECT_EQ(sink.records[2].tx_id, sink.records[3].tx_id) << "a request and its answer are one transaction";

  const rapidjson::Document bound = json(sink.records[1].eve);
  EXPECT_STREQ(bound["request"].GetString(), "BIND");
  EXPECT_STREQ(bound["response"].GetString(), "BINDACK");
  ASSERT_EQ(bound["interfaces"].Size(), 2u);
  EXPECT_STREQ(bound["interfaces"][0]["uuid"].GetString(), kNetlogon.c_str());
  EXPECT_STREQ(bound["interfaces"][0]["version"].GetString(), "1.0");
  EXPECT_EQ(bound["interfaces"][0]["ack_result"].GetUint(), 2u);

  const rapidjson::Document call = json(sink.records[3].eve);
  EXPECT_STREQ(call["request"].GetString(), "REQUEST");
  EXPECT_EQ(call["req"]["opnum"].GetUint(), 4u);
  EXPECT_EQ(call["req"]["frag_cnt"].GetUint(), 1u);
  EXPECT_EQ(call["req"]["stub_data_size"].GetUint(), 7u);
  EXPECT_STREQ(call["response"].GetString(), "RESPONSE");
  EXPECT_EQ(call["res"]["stub_data_size"].GetUint(), 8u);
  EXPECT_EQ(call["call_id"].GetUint(), 3u);
  EXPECT_STREQ(call["rpc_version"].GetString(), "5.0");
  ASSERT_EQ(call["interfaces"].Size(), 1u);
  EXPECT_EQ(call["interfaces"][0]["ack_result"].GetUint(), 0u);

  // Both sides carry the interface (accepted) and opnum; each its own stub.
  for (size_t i : {2u, 3u}) {
    ASSERT_EQ(sink.records[i].named("dcerpc.iface").size(), 1u);
    const std::string iface = sink.records[i].named("dcerpc.iface")[0];
    ASSERT_EQ(iface.size(), 19u);
    EXPECT_EQ(static_cast<uint8_t>(iface[0]), 0x12);
    EXPECT_EQ(static_cast<uint8_t>(iface[15]), 0xfb);
    EXPECT_EQ(iface.substr(16, 2), std::string("\0\1", 2)) << "major version 1";
    EXPECT_EQ(static_cast<uint8_t>(iface[18]), kDcerpcIfaceFirstFragment | kDcerpcIfaceBoundInFirst);
    EXPECT_EQ(sink.records[i].named("dcerpc.opnum"), (std::vector<std::string>{std::string("\0\0\0\4", 4)}));
  }
  EXPECT_EQ(sink.records[2].named("dcerpc.stub_data"), std::vector<std::string>{"stub-in"});
  EXPECT_EQ(sink.records[3].named("dcerpc.stub_data"), std::vector<std::string>{"stub-out"});
  EXPECT_TRUE(sink.records[1].fields.empty()) << "a bind's exchange is no call";
}

TEST(DcerpcProtocol, LostRequestsAndUnansweredOnesAreWrittenAsSuricataWritesThem) {
  DcerpcProtocol protocol;
  AppMemory memory(1 << 20);
  auto parser = protocol.newParser(AppProtocol::kTcp, &memory);
  Collected sink;
  feed(*parser, Direction::ToClient, response(8, 0, "x"), sink);
  feed(*parser, Direction::ToServer, request(9, 0, 1, "y"), sink);
  parser->onEnd(sink);
  ASSERT_EQ(sink.records.size(), 3u);
  const rapidjson::Document lost = json(sink.records[0].eve);
  EXPECT_STREQ(lost["request"].GetString(), "REQUEST_LOST");
  EXPECT_TRUE(sink.records[0].named("dcerpc.opnum").empty()) << "no request, no opnum to match";
  EXPECT_EQ(sink.records[0].named("dcerpc.stub_data"), std::vector<std::string>{"x"});
  const rapidjson::Document unreplied = json(sink.records[2].eve);
  EXPECT_TRUE(sink.records[2].logged);
  EXPECT_STREQ(unreplied["request"].GetString(), "REQUEST");
  EXPECT_STREQ(unreplied["response"].GetString(), "UNREPLIED");
  EXPECT_TRUE(sink.records[2].fields.empty()) << "its request's record was inspected already";
}

}  // namespace
}  // namespace mamori
