#include "applayer/krb5_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/applayer/krb5_builder.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using namespace test::krb5;
using Collected = test::ProtocolRecords;

void feed(AppProtocolParser& p, Direction dir, const Bytes& b, ProtocolSink& sink) {
  p.onData(dir, b.data(), b.size(), sink);
}

using test::be32;

const Bytes kAsReq = kdcReq(10, {"alice"}, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"}, {18, 23});
const Bytes kAsRep = kdcRep(11, "EXAMPLE.ORG", {"alice"}, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"}, 23, 18);
const Bytes kPreauth = krbError(25, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"});

TEST(Krb5Protocol, ProbesUdpAndTcpAndFallsBackToPort88OnlyWhenUnsure) {
  Krb5Protocol krb5;
  auto probe = [&](uint8_t transport, const Bytes& b) { return krb5.probe(transport, Direction::ToServer, b.data(), b.size()); };
  EXPECT_EQ(probe(AppProtocol::kUdp, kAsReq), ProbeResult::Match);
  EXPECT_EQ(probe(AppProtocol::kTcp, record(kAsReq)), ProbeResult::Match);
  EXPECT_EQ(probe(AppProtocol::kTcp, Bytes{0, 0}), ProbeResult::Unsure);
  EXPECT_EQ(probe(AppProtocol::kTcp, cat({Bytes{0x80, 0, 0, 10}, kAsReq})), ProbeResult::NoMatch) << "reserved bit";
  EXPECT_EQ(probe(AppProtocol::kUdp, record(kAsReq)), ProbeResult::NoMatch) << "a TCP record is no datagram";
  EXPECT_TRUE(krb5.usualPort(88));
  EXPECT_FALSE(krb5.usualPort(5060));
}

TEST(Krb5Protocol, EachMessageIsARecordWithItsKeywordFieldsAndSuricatasEve) {
  Krb5Protocol krb5;
  Collected out;
  auto parser = krb5.newParser(AppProtocol::kUdp, nullptr);
  feed(*parser, Direction::ToServer, kAsReq, out);
  feed(*parser, Direction::ToClient, kPreauth, out);
  feed(*parser, Direction::ToServer, kAsReq, out);
  feed(*parser, Direction::ToClient, kAsRep, out);
  ASSERT_EQ(out.ids, (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(out.dirs, (std::vector<Direction>{Direction::ToServer, Direction::ToClient, Direction::ToServer,
                                              Direction::ToClient}));
  using F = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(out.fields[0], (F{{"krb5_msg_type", be32(10)}, {"krb5.cname", "alice"}, {"krb5.sname", "krbtgt"},
                              {"krb5.sname", "EXAMPLE.ORG"}}));
  EXPECT_EQ(out.fields[1], (F{{"krb5_msg_type", be32(30)}, {"krb5_err_code", be32(25)}, {"krb5.sname", "krbtgt"},
                              {"krb5.sname", "EXAMPLE.ORG"}}));

  EXPECT_EQ(out.fields[3], (F{{"krb5_msg_type", be32(11)}, {"krb5.cname", "alice"}, {"krb5.sname", "krbtgt"},
                              {"krb5.sname", "EXAMPLE.ORG"}, {"krb5.ticket_encryption", be32(23)}}));

  const rapidjson::Document req = out.json(0);
  EXPECT_STREQ(req["msg_type"].GetString(), "KRB_AS_REQ");
  EXPECT_STREQ(req["cname"].GetString(), "alice");
  EXPECT_STREQ(req["realm"].GetString(), "EXAMPLE.ORG");
  EXPECT_STREQ(req["sname"].GetString(), "krbtgt/EXAMPLE.ORG");
  EXPECT_STREQ(req["encryption"].GetString(), "<none>");
  EXPECT_FALSE(req["weak_encryption"].GetBool());
  EXPECT_FALSE(req.HasMember("error_code"));

  const rapidjson::Document err = out.json(1);
  EXPECT_STREQ(err["msg_type"].GetString(), "KRB_ERROR");
  EXPECT_STREQ(err["failed_request"].GetString(), "KRB_AS_REQ");
  EXPECT_STREQ(err["error_code"].GetString(), "KDC_ERR_PREAUTH_REQUIRED");
  EXPECT_STREQ(err["cname"].GetString(), "<empty>");

  const rapidjson::Document rep = out.json(3);
  EXPECT_STREQ(rep["msg_type"].GetString(), "KRB_AS_REP");
  EXPECT_STREQ(rep["encryption"].GetString(), "AES256_CTS_HMAC_SHA1_96");
  EXPECT_FALSE(rep["weak_encryption"].GetBool());
  EXPECT_STREQ(rep["ticket_encryption"].GetString(), "RC4_HMAC");
  EXPECT_TRUE(rep["ticket_weak_encryption"].GetBool());
  EXPECT_EQ(out.bad, 0);
  for (const AppLayerEventSet& e : out.events) EXPECT_TRUE(e.none()) << "AES for the client: no weak_encryption";
}

TEST(Krb5Protocol, AReplySealedWithAWeakEtypeRaisesWeakEncryption) {
  Krb5Protocol krb5;
  Collected out;
  auto parser = krb5.newParser(AppProtocol::kUdp, nullptr);
  feed(*parser, Direction::ToClient, kdcRep(13, "R", {"alice"}, "R", {"cifs", "fs"}, 18, 23), out);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_TRUE(raised(out.events[0], AppLayerEvent::Krb5WeakEncryption));
  EXPECT_TRUE(out.json(0)["weak_encryption"].GetBool());
}

TEST(Krb5Protocol, AnErrorWithoutItsRequestHasAnUnknownFailedRequest) {
  Krb5Protocol krb5;
  Collected out;
  auto parser = krb5.newParser(AppProtocol::kUdp, nullptr);
  feed(*parser, Direction::ToClient, krbError(99, "R", {"krbtgt", "R"}), out);
  ASSERT_EQ(out.eve.size(), 1u);
  const rapidjson::Document err = out.json(0);
  EXPECT_STREQ(err["failed_request"].GetString(), "UNKNOWN");
  EXPECT_STREQ(err["error_code"].GetString(), "99") << "a code without a name is its number";
}

TEST(Krb5Protocol, TcpRecordsAreFramedAcrossSegmentsAndTheBuffersGiveBack) {
  AppMemory memory(1 << 20);
  Krb5Protocol krb5;
  Collected out;
  {
    auto parser = krb5.newParser(AppProtocol::kTcp, &memory);
    const Bytes both = cat({record(kAsReq), record(kAsReq)});
    for (size_t i = 0; i < both.size(); i += 5) {
      feed(*parser, Direction::ToServer,
           Bytes(both.begin() + static_cast<std::ptrdiff_t>(i), both.begin() + static_cast<std::ptrdiff_t>(std::min(i + 5, both.size()))),
           out);
    }
    feed(*parser, Direction::ToClient, cat({record(kPreauth), record(kAsRep)}), out);
    parser->onEnd(out);
  }
  EXPECT_EQ(out.ids, (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(out.bad, 0);
  EXPECT_GT(memory.peak(), 0u);
  EXPECT_EQ(memory.used(), 0u);
}

TEST(Krb5Protocol, ARecordOverTheBoundAGapOrAMangledMessageIsCountedAndBoundsMemory) {
  AppMemory memory(1 << 20);
  Krb5Protocol krb5;
  Collected out;
  auto parser = krb5.newParser(AppProtocol::kTcp, &memory);
  const Bytes huge{0x00, 0x10, 0x00, 0x00};  // 1 MiB
  feed(*parser, Direction::ToServer, huge, out);
  feed(*parser, Direction::ToServer, record(kAsReq), out);
  EXPECT_EQ(out.bad, 1);
  EXPECT_TRUE(out.ids.empty()) << "that direction is given up";

  feed(*parser, Direction::ToClient, cat({record(Bytes(40, 0x41)), record(kAsRep)}), out);
  EXPECT_EQ(out.bad, 2) << "a record that is no message is counted, the next one still read";
  EXPECT_EQ(out.ids.size(), 1u);
  feed(*parser, Direction::ToClient, Bytes{0, 0, 0}, out);
  parser->onGap(Direction::ToClient);
  feed(*parser, Direction::ToClient, record(kAsRep), out);
  EXPECT_EQ(out.ids.size(), 1u);
  EXPECT_LE(memory.peak(), Krb5Protocol::kMaxRecord + 4);
  EXPECT_EQ(memory.used(), 0u);
}

}  // namespace
}  // namespace mamori
