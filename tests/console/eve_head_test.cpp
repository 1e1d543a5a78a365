// readEveHead: the host, packet time, flow and event_type of an EVE record, read as far as
// needed (a central's flow records) or to the end (an EVE file's lines); hostile text refused.
#include <gtest/gtest.h>

#include <string>

#include "console/eve_head.h"

namespace mamori {
namespace {

constexpr TimeUs kT = 1'772'440'200'000'000;  // 2026-03-02T08:30:00Z
const std::string kHead =
    R"({"timestamp":"2026-03-02T08:30:00.000000+0000","host":"site-a","flow_id":1234567890123456,"event_type":"flow")";

TEST(EveHead, ReadsTheTopLevelFieldsAndNotTheNestedOnes) {
  const std::string json = R"({"flow":{"host":"inner","flow_id":9,"timestamp":"x"},"event_type":"http",)"
                           R"("http":{"event_type":"dns"},"flow_id":77,"host":"s1",)"
                           R"("timestamp":"2026-03-02T08:30:00.000000+0000","host":"second"})";
  for (EveHeadRead read : {EveHeadRead::Head, EveHeadRead::Whole}) {
    const auto head = readEveHead(json, read);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->host, "s1") << "the first top-level host, as a parsed document's lookup finds it";
    EXPECT_EQ(head->flow_id, 77u);
    EXPECT_EQ(head->ts, kT);
    EXPECT_EQ(head->kind, EventKind::Http);
  }
}

TEST(EveHead, AHeadIsReadWithoutTheRestWhichAWholeReadChecks) {
  const std::string cut = kHead + R"(,"src_ip":"10.0.0.1","flow":{"pkts)";
  const auto head = readEveHead(cut, EveHeadRead::Head);
  ASSERT_TRUE(head) << "what the producer checked is not read again";
  EXPECT_EQ(head->host, "site-a");
  EXPECT_EQ(head->flow_id, 1234567890123456u);
  EXPECT_FALSE(readEveHead(cut, EveHeadRead::Whole)) << "a line cut short is not a record";
  EXPECT_TRUE(readEveHead(kHead + "}", EveHeadRead::Whole));
  EXPECT_FALSE(readEveHead(kHead + "} {}", EveHeadRead::Whole)) << "one object a line";
}

TEST(EveHead, WhatIsNotAnObjectOrNotUtf8IsRefused) {
  for (const std::string& text : {std::string(), std::string("  "), std::string("[1,2]"), std::string("\"host\""),
                                  std::string("42"), std::string(R"({"host":"a)"), std::string("{\"host\":\"\xff\"}")}) {
    EXPECT_FALSE(readEveHead(text, EveHeadRead::Head)) << text;
    EXPECT_FALSE(readEveHead(text, EveHeadRead::Whole)) << text;
  }
}

TEST(EveHead, EscapedAndNonAsciiTextIsReadAsJsonSaysEitherWay) {
  const std::string json = R"({"timestamp":"2026-03-02T08:30:00.000000+0000","host":"a\"b\u00e9",)"
                           R"("flow_id":5,"event_type":"flow"})";
  for (EveHeadRead read : {EveHeadRead::Head, EveHeadRead::Whole}) {
    const auto head = readEveHead(json, read);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->host, "a\"b\xc3\xa9");
    EXPECT_EQ(head->flow_id, 5u);
  }
  const auto raw = readEveHead("{\"host\":\"caf\xc3\xa9\",\"flow_id\":1}", EveHeadRead::Head);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->host, "caf\xc3\xa9");
}

TEST(EveHead, OddValuesLeaveTheirFieldUnset) {
  for (const char* json : {R"({"host":1,"flow_id":-5,"timestamp":"yesterday","event_type":"telnet"})",
                           R"({"host":null,"flow_id":1.5,"timestamp":7,"event_type":["flow"]})",
                           R"({"host":{},"flow_id":18446744073709551616,"timestamp":"","event_type":"Flow"})",
                           // The first value counts whatever its type, as a document's lookup finds it.
                           R"({"host":7,"host":"x","flow_id":"7","flow_id":9,"timestamp":[],)"
                           R"("timestamp":"2026-03-02T08:30:00.000000+0000","event_type":null,"event_type":"flow"})"}) {
    for (EveHeadRead read : {EveHeadRead::Head, EveHeadRead::Whole}) {
      const auto head = readEveHead(json, read);
      ASSERT_TRUE(head) << json;
      EXPECT_EQ(head->host, "") << json;
      EXPECT_EQ(head->flow_id, 0u) << json;
      EXPECT_EQ(head->ts, 0) << json;
      EXPECT_FALSE(head->kind) << json;
    }
  }
}

TEST(EveHead, DeepNestingIsReadWithoutRecursion) {
  std::string deep = R"({"host":"h","x":)";
  for (int i = 0; i < 100000; ++i) deep += "[";
  for (int i = 0; i < 100000; ++i) deep += "]";
  deep += "}";
  const auto head = readEveHead(deep, EveHeadRead::Whole);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->host, "h");
}

}  // namespace
}  // namespace mamori
