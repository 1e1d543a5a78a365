// DcerpcConversation on hand-built PDUs: binds and their acks (accepted and rejected
// contexts, alter_context), requests in fragments split anywhere across segments, both
// data representations, responses paired by call_id, and what hostile input meets: bytes
// that are not DCE/RPC, bodies that do not fit their PDU, stubs and call tables at their
// bounds, gaps, and the memory given back.
#include "applayer/dcerpc_conversation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/applayer/dcerpc_builder.h"

namespace mamori {
namespace {

using namespace test::dcerpc;

const std::string kNetlogon = "12345678-1234-abcd-ef00-01234567cffb";
const std::string kSvcctl = "367abb81-9844-35f1-ad32-98f038001003";

struct Seen {
  Direction dir;
  DcerpcCall call;
  std::string stub;
  std::vector<DcerpcInterface> interfaces;
};

struct Collected final : DcerpcCallSink {
  void call(Direction dir, const DcerpcCall& c) override {
    calls.push_back({dir, c, std::string(c.stub), {c.interfaces.begin(), c.interfaces.end()}});
    calls.back().call.stub = {};
    calls.back().call.interfaces = {};
  }
  void malformed() override { ++bad; }
  std::vector<Seen> calls;
  int bad = 0;
};

std::string uuidOf(const DcerpcInterface& i) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (size_t k = 0; k < 16; ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) s += '-';
    s += hex[i.uuid[k] >> 4];
    s += hex[i.uuid[k] & 15];
  }
  return s;
}

class DcerpcConversationTest : public ::testing::Test {
 protected:
  void feed(Direction dir, const std::vector<uint8_t>& bytes) { conversation_.onData(dir, bytes.data(), bytes.size(), sink_); }
  // `bytes` one at a time: every split point a segment boundary could make.
  void trickle(Direction dir, const std::vector<uint8_t>& bytes) {
    for (uint8_t b : bytes) conversation_.onData(dir, &b, 1, sink_);
  }

  AppMemory memory_{1 << 20};
  DcerpcConversation conversation_{&memory_};
  Collected sink_;
};

TEST_F(DcerpcConversationTest, RequestsCarryTheInterfaceTheirContextWasAcceptedFor) {
  feed(Direction::ToServer, bind(2, {{0, kNetlogon, 1, 0}, {1, kNetlogon, 1, 0}, {2, kSvcctl, 2, 0}}));
  feed(Direction::ToClient, bindAck(2, {2, 0, 3}));
  feed(Direction::ToServer, request(3, 1, 4, "hello"));
  feed(Direction::ToClient, response(3, 1, "world!"));
  ASSERT_EQ(sink_.calls.size(), 4u);
  EXPECT_EQ(sink_.bad, 0);

  const Seen& b = sink_.calls[0];
  EXPECT_EQ(b.dir, Direction::ToServer);
  EXPECT_EQ(b.call.type, DcerpcPduType::Bind);
  ASSERT_EQ(b.interfaces.size(), 3u);
  EXPECT_EQ(uuidOf(b.interfaces[2]), kSvcctl);
  EXPECT_EQ(b.interfaces[2].version, 2);
  EXPECT_FALSE(b.interfaces[0].acked) << "not acked yet when the bind is handed on";

  const Seen& ack = sink_.calls[1];
  EXPECT_EQ(ack.call.type, DcerpcPduType::BindAck);
  EXPECT_TRUE(ack.call.request_seen);
  EXPECT_EQ(ack.call.request_type, DcerpcPduType::Bind);
  ASSERT_EQ(ack.interfaces.size(), 3u);
  EXPECT_EQ(ack.interfaces[0].result, 2);
  EXPECT_EQ(ack.interfaces[1].result, 0);
  EXPECT_EQ(ack.interfaces[2].result, 3);

  const Seen& req = sink_.calls[2];
  EXPECT_EQ(req.call.type, DcerpcPduType::Request);
  EXPECT_EQ(req.call.opnum, 4);
  EXPECT_EQ(req.call.context_id, 1);
  EXPECT_EQ(req.call.call_id, 3u);
  EXPECT_TRUE(req.call.first_fragment);
  EXPECT_EQ(req.stub, "hello");
  ASSERT_EQ(req.interfaces.size(), 1u) << "only the request's context";
  EXPECT_EQ(uuidOf(req.interfaces[0]), kNetlogon);
  EXPECT_TRUE(req.interfaces[0].acked);
  EXPECT_EQ(req.interfaces[0].result, 0);

  const Seen& res = sink_.calls[3];
  EXPECT_EQ(res.dir, Direction::ToClient);
  EXPECT_EQ(res.call.type, DcerpcPduType::Response);
  EXPECT_TRUE(res.call.request_seen);
  EXPECT_EQ(res.call.opnum, 4) << "the response carries its request's operation";
  EXPECT_EQ(res.call.request_stub_size, 5u);
  EXPECT_EQ(res.call.response_stub_size, 6u);
  EXPECT_EQ(res.stub, "world!");
  ASSERT_EQ(res.interfaces.size(), 1u);
}

TEST_F(DcerpcConversationTest, FragmentsJoinIntoOneCallWhereverTheSegmentsSplit) {
  feed(Direction::ToServer, bind(1, {{0, kSvcctl, 2, 0}}));
  feed(Direction::ToClient, bindAck(1, {0}));
  std::vector<uint8_t> bytes = request(7, 0, 15, "abc", kFirst);
  for (const auto& part : {request(7, 0, 15, "def", 0), request(7, 0, 15, "gh", kLast)}) {
    bytes.insert(bytes.end(), part.begin(), part.end());
  }
  trickle(Direction::ToServer, bytes);
  ASSERT_EQ(sink_.calls.size(), 3u);
  const Seen& req = sink_.calls[2];
  EXPECT_EQ(req.stub, "abcdefgh");
  EXPECT_EQ(req.call.request_fragments, 3u);
  EXPECT_EQ(req.call.request_stub_size, 8u);
  EXPECT_TRUE(req.call.first_fragment);
  EXPECT_EQ(sink_.bad, 0);
}

TEST_F(DcerpcConversationTest, ACallWhoseFirstFragmentWasMissedSaysSo) {
  feed(Direction::ToServer, request(9, 0, 3, "tail", kLast));
  ASSERT_EQ(sink_.calls.size(), 1u);
  EXPECT_FALSE(sink_.calls[0].call.first_fragment);
  EXPECT_EQ(sink_.calls[0].call.request_fragments, 1u);
}

TEST_F(DcerpcConversationTest, BigEndianPdusReadAlike) {
  feed(Direction::ToServer, bind(1, {{5, kSvcctl, 2, 1}}, false));
  feed(Direction::ToClient, bindAck(1, {0}, false));
  feed(Direction::ToServer, request(2, 5, 0x0102, "xy", kWhole, false));
  ASSERT_EQ(sink_.calls.size(), 3u);
  const Seen& req = sink_.calls[2];
  EXPECT_FALSE(req.call.little_endian);
  EXPECT_EQ(req.call.opnum, 0x0102);
  EXPECT_EQ(req.call.call_id, 2u);
  EXPECT_EQ(req.stub, "xy");
  ASSERT_EQ(req.interfaces.size(), 1u);
  EXPECT_EQ(uuidOf(req.interfaces[0]), kSvcctl);
  EXPECT_EQ(req.interfaces[0].version, 2);
  EXPECT_EQ(req.interfaces[0].version_minor, 1);
  EXPECT_EQ(req.interfaces[0].result, 0);
}

TEST_F(DcerpcConversationTest, AlterContextAddsAContextItsResponseAccepts) {
  feed(Direction::ToServer, bind(1, {{0, kNetlogon, 1, 0}}));
  feed(Direction::ToClient, bindAck(1, {0}));
  feed(Direction::ToServer, bind(2, {{1, kSvcctl, 2, 0}}, true, 14));
  feed(Direction::ToClient, bindAck(2, {0}, true, 15));
  feed(Direction::ToServer, request(3, 1, 15, ""));
  ASSERT_EQ(sink_.calls.size(), 5u);
  EXPECT_EQ(sink_.calls[2].call.type, DcerpcPduType::AlterContext);
  EXPECT_EQ(sink_.calls[3].call.type, DcerpcPduType::AlterContextResp);
  ASSERT_EQ(sink_.calls[3].interfaces.size(), 1u) << "the response speaks of its own contexts only";
  ASSERT_EQ(sink_.calls[4].interfaces.size(), 1u);
  EXPECT_EQ(uuidOf(sink_.calls[4].interfaces[0]), kSvcctl);
  EXPECT_TRUE(sink_.calls[4].interfaces[0].acked);
}

TEST_F(DcerpcConversationTest, ABindNakRejectsEveryContextItOffered) {
  feed(Direction::ToServer, bind(1, {{0, kNetlogon, 1, 0}}));
  Pdu nak(13, kWhole, 1);
  nak.u16(4);
  feed(Direction::ToClient, nak.done());
  feed(Direction::ToServer, request(2, 0, 1, ""));
  ASSERT_EQ(sink_.calls.size(), 3u);
  ASSERT_EQ(sink_.calls[2].interfaces.size(), 1u);
  EXPECT_NE(sink_.calls[2].interfaces[0].result, 0);
}

TEST_F(DcerpcConversationTest, AnswersWithoutTheirRequestAndRequestsWithoutAnswer) {
  feed(Direction::ToClient, response(4, 0, "late"));
  feed(Direction::ToServer, request(5, 0, 2, "never answered"));
  feed(Direction::ToClient, fault(6, 0x1c010003));
  conversation_.onEnd(sink_);
  ASSERT_EQ(sink_.calls.size(), 4u);
  EXPECT_FALSE(sink_.calls[0].call.request_seen);
  EXPECT_EQ(sink_.calls[2].call.type, DcerpcPduType::Fault);
  EXPECT_TRUE(sink_.calls[2].stub.empty()) << "a fault's status is no stub";
  const Seen& unreplied = sink_.calls[3];
  EXPECT_EQ(unreplied.dir, Direction::ToClient);
  EXPECT_TRUE(unreplied.call.unreplied);
  EXPECT_EQ(unreplied.call.call_id, 5u);
  EXPECT_EQ(unreplied.call.opnum, 2);
}

TEST_F(DcerpcConversationTest, TheOldestUnansweredCallMakesRoomWhenTheTableIsFull) {
  for (uint32_t id = 0; id < DcerpcConversation::kMaxPending + 1; ++id) feed(Direction::ToServer, request(id, 0, 0, ""));
  ASSERT_EQ(sink_.calls.size(), DcerpcConversation::kMaxPending + 2);
  const Seen& evicted = sink_.calls.back();
  EXPECT_TRUE(evicted.call.unreplied);
  EXPECT_EQ(evicted.call.call_id, 0u);
  feed(Direction::ToClient, response(0, 0, ""));
  EXPECT_FALSE(sink_.calls.back().call.request_seen) << "its answer finds no request any more";
}

TEST_F(DcerpcConversationTest, BytesThatAreNotDcerpcEndTheSideAndAreCounted) {
  const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  conversation_.onData(Direction::ToServer, reinterpret_cast<const uint8_t*>(http.data()), http.size(), sink_);
  EXPECT_EQ(sink_.bad, 1);
  feed(Direction::ToServer, request(1, 0, 0, ""));
  EXPECT_TRUE(sink_.calls.empty()) << "the side is given up";
  feed(Direction::ToClient, response(1, 0, "ok"));
  EXPECT_EQ(sink_.calls.size(), 1u) << "the other side goes on";
}

TEST_F(DcerpcConversationTest, AfterAGapASideResumesAtTheNextSegmentStartingAPdu) {
  const std::vector<uint8_t> first = request(1, 0, 1, "cut short");
  conversation_.onData(Direction::ToServer, first.data(), 20, sink_);
  conversation_.onGap(Direction::ToServer);
  const std::vector<uint8_t> rest = request(2, 0, 2, "mid-PDU bytes");
  conversation_.onData(Direction::ToServer, rest.data() + 4, rest.size() - 4, sink_);
  EXPECT_TRUE(sink_.calls.empty()) << "a segment that does not start a PDU is skipped";
  feed(Direction::ToServer, request(3, 0, 3, "whole"));
  ASSERT_EQ(sink_.calls.size(), 1u);
  EXPECT_EQ(sink_.calls[0].call.call_id, 3u);
  EXPECT_EQ(sink_.calls[0].stub, "whole");
  EXPECT_EQ(sink_.bad, 0) << "a gap is no malformed data";
}

TEST_F(DcerpcConversationTest, AFragLengthShorterThanItsHeaderOrABodyThatDoesNotFitIsRefused) {
  std::vector<uint8_t> shortened = request(1, 0, 0, "");
  shortened[8] = 10;
  feed(Direction::ToServer, shortened);
  EXPECT_EQ(sink_.bad, 1);

  // A bind that says it lists 200 contexts and holds one.
  std::vector<uint8_t> b = bind(1, {{0, kNetlogon, 1, 0}});
  b[24] = 200;
  feed(Direction::ToClient, b);  // the client side is given up; probe the decoder on the other
  EXPECT_EQ(sink_.bad, 2);
  EXPECT_TRUE(sink_.calls.empty());
}

TEST_F(DcerpcConversationTest, AStubKeepsItsFirstBytesWithinTheBoundAndCountsTheRest) {
  const std::string chunk(60000, 'A');
  const size_t fragments = DcerpcConversation::kMaxStub / chunk.size() + 2;
  for (size_t i = 0; i < fragments; ++i) {
    const uint8_t flags = (i == 0 ? kFirst : 0) | (i + 1 == fragments ? kLast : 0);
    feed(Direction::ToServer, request(1, 0, 0, chunk, flags));
  }
  ASSERT_EQ(sink_.calls.size(), 1u);
  EXPECT_EQ(sink_.calls[0].stub.size(), DcerpcConversation::kMaxStub);
  EXPECT_EQ(sink_.calls[0].call.request_stub_size, fragments * chunk.size());
  EXPECT_EQ(sink_.bad, 0);
}

TEST(DcerpcConversationMemory, EverythingHeldIsChargedAndGivenBack) {
  AppMemory memory(1 << 20);
  {
    DcerpcConversation conversation(&memory);
    Collected sink;
    std::vector<uint8_t> half = request(1, 0, 0, std::string(3000, 'x'), kFirst);
    conversation.onData(Direction::ToServer, half.data(), half.size() / 2, sink);
    EXPECT_GT(memory.used(), 0u) << "the unfinished PDU is held";
    conversation.onData(Direction::ToServer, half.data() + half.size() / 2, half.size() - half.size() / 2, sink);
    conversation.onEnd(sink);
  }
  EXPECT_EQ(memory.used(), 0u);
}

TEST(DcerpcConversationMemory, AStubTheBudgetRefusesIsLeftOutNotFatal) {
  AppMemory memory(1000);
  DcerpcConversation conversation(&memory);
  Collected sink;
  const std::vector<uint8_t> pdu = request(1, 0, 0, std::string(1500, 'x'));
  conversation.onData(Direction::ToServer, pdu.data(), pdu.size(), sink);
  ASSERT_EQ(sink.calls.size(), 1u);
  EXPECT_EQ(sink.calls[0].call.request_stub_size, 1500u);
  EXPECT_GT(memory.refused(), 0u);
}

}  // namespace
}  // namespace mamori
