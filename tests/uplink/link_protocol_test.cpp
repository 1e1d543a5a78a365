// The link's record batches and control frames, as a hostile peer could shape them.
#include <gtest/gtest.h>

#include <cstring>

#include "uplink/link_protocol.h"

namespace mamori::link {
namespace {

TEST(LinkProtocol, RecordsPackAndUnpackInOrder) {
  const std::string a = "{\"event_type\":\"alert\"}", b = "{\"event_type\":\"stats\"}", empty;
  zmq::message_t packed = packRecords({{EventKind::Alert, a}, {EventKind::Stats, b}, {EventKind::Flow, empty}});
  std::vector<PackedRecord> out;
  ASSERT_TRUE(unpackRecords(packed, 3, out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].kind, EventKind::Alert);
  EXPECT_EQ(out[0].json, a);
  EXPECT_EQ(out[1].kind, EventKind::Stats);
  EXPECT_EQ(out[1].json, b);
  EXPECT_EQ(out[2].json, "");
}

TEST(LinkProtocol, MalformedPacksAreRefusedWhole) {
  const std::string a = "{\"x\":1}";
  zmq::message_t packed = packRecords({{EventKind::Alert, a}, {EventKind::Alert, a}});
  std::vector<PackedRecord> out;
  EXPECT_FALSE(unpackRecords(packed, 1, out)) << "more records than the header says";
  EXPECT_FALSE(unpackRecords(packed, 3, out)) << "fewer";
  zmq::message_t cut(static_cast<const char*>(packed.data()), packed.size() - 1);
  EXPECT_FALSE(unpackRecords(cut, 2, out)) << "a length past the frame's end";
  zmq::message_t header_only(static_cast<const char*>(packed.data()), 3);
  EXPECT_FALSE(unpackRecords(header_only, 1, out)) << "a record header cut short";
  // A length that would wrap a 32-bit position.
  unsigned char huge[5] = {0, 0xff, 0xff, 0xff, 0xff};
  EXPECT_FALSE(unpackRecords(zmq::message_t(huge, sizeof huge), 1, out));
  EXPECT_TRUE(unpackRecords(zmq::message_t(), 0, out)) << "an empty batch is well-formed";
}

TEST(LinkProtocol, AnUnknownKindIsKeptForTheReceiverToRefuse) {
  zmq::message_t packed = packRecords({{EventKind::Alert, "{}"}});
  static_cast<unsigned char*>(packed.data())[0] = 200;
  std::vector<PackedRecord> out;
  ASSERT_TRUE(unpackRecords(packed, 1, out));
  EXPECT_FALSE(out[0].kind.has_value());
}

TEST(LinkProtocol, HeadersAndNumbersRoundTripAndRefuseOtherSizes) {
  auto h = readRecordsHeader(recordsHeader(0x0102030405060708ULL, 77));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->first_seq, 0x0102030405060708ULL);
  EXPECT_EQ(h->count, 77u);
  EXPECT_FALSE(readRecordsHeader(frame("short")));
  EXPECT_EQ(readU64(u64Frame(42)), 42u);
  EXPECT_FALSE(readU64(frame("1234567")));
  EXPECT_FALSE(readJson(frame("[1,2]"))) << "control bodies are objects";
  EXPECT_FALSE(readJson(frame("{nope")));
  auto j = readJson(JsonFrame().str("s", "x").num("n", 5).strings("l", {"a", "b"}).done());
  ASSERT_TRUE(j);
  EXPECT_EQ(jsonString(*j, "s"), "x");
  EXPECT_EQ(jsonUint(*j, "n"), 5u);
  EXPECT_EQ(jsonUint(*j, "s"), 0u) << "a value of another type reads as absent";
  EXPECT_EQ(jsonStrings(*j, "l"), (std::vector<std::string>{"a", "b"}));
}

TEST(LinkProtocol, RuleSetFilesTravelAsNameAndTextPairs) {
  RuleSetPackage p;
  p.files = {{"a.rules", "alert ..."}, {"b.yaml", "title: x"}};
  Frames frames;
  frames.push_back(frame("RULESET"));
  frames.push_back(frame("{}"));
  appendFiles(frames, p);
  auto files = readFiles(frames, 2);
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[1].name, "b.yaml");
  EXPECT_EQ((*files)[1].text, "title: x");
  frames.pop_back();
  EXPECT_FALSE(readFiles(frames, 2)) << "a name without its text";
}

}  // namespace
}  // namespace mamori::link
