#include "applayer/modbus_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "applayer/modbus_request_field.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

using Bytes = std::vector<uint8_t>;
using Records = test::ProtocolRecords;

// An ADU: MBAP header (transaction, protocol 0, length, unit) and the PDU.
Bytes adu(uint16_t transaction, uint8_t unit, const Bytes& pdu, uint16_t protocol = 0) {
  const auto length = static_cast<uint16_t>(pdu.size() + 1);
  Bytes b{static_cast<uint8_t>(transaction >> 8), static_cast<uint8_t>(transaction), static_cast<uint8_t>(protocol >> 8),
          static_cast<uint8_t>(protocol), static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length), unit};
  b.insert(b.end(), pdu.begin(), pdu.end());
  return b;
}

void feed(AppProtocolParser& p, Direction dir, const Bytes& b, ProtocolSink& sink) { p.onData(dir, b.data(), b.size(), sink); }

std::unique_ptr<AppProtocolParser> parser() { return ModbusProtocol().newParser(AppProtocol::kTcp, nullptr); }

// Record `i`'s modbus field. It views the record's own bytes, so it is good until `r` takes
// another record (values() would give a copy that dies with the call).
ModbusRequestField requestOf(const Records& r, size_t i) {
  ModbusRequestField f;
  for (const auto& [name, value] : r.fields.at(i)) {
    if (name == "modbus") {
      EXPECT_TRUE(ModbusRequestField::decode(value, f));
      return f;
    }
  }
  ADD_FAILURE() << "record " << i << " has no modbus field";
  return f;
}

TEST(ModbusProtocol, AReadAndItsResponseAreOneTransaction) {
  auto p = parser();
  Records r;
  feed(*p, Direction::ToServer, adu(7, 1, {0x03, 0x00, 0x10, 0x00, 0x02}), r);
  ASSERT_EQ(r.dirs.size(), 1u);
  EXPECT_FALSE(r.logged[0]);
  const ModbusRequestField f = requestOf(r, 0);
  EXPECT_EQ(f.function_raw, 3);
  EXPECT_EQ(f.first, 17u) << "1-based, as Suricata compares addresses";
  EXPECT_EQ(f.last, 18u);

  feed(*p, Direction::ToClient, adu(7, 1, {0x03, 0x04, 'a', 'b', 0xc8, 0x01}), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_TRUE(r.logged[1]);
  EXPECT_EQ(r.ids[1], r.ids[0]);
  EXPECT_TRUE(r.fields[1].empty()) << "the keyword looks at requests";
  const rapidjson::Document eve = r.json(1);
  ASSERT_TRUE(eve.IsObject()) << r.eve[1];
  EXPECT_EQ(eve["id"].GetUint(), r.ids[1]);
  EXPECT_STREQ(eve["request"]["function_code"].GetString(), "RdHoldRegs");
  EXPECT_STREQ(eve["request"]["access_type"].GetString(), "READ | HOLDING");
  EXPECT_STREQ(eve["request"]["category"].GetString(), "PUBLIC_ASSIGNED");
  EXPECT_STREQ(eve["request"]["error_flags"].GetString(), "NONE");
  EXPECT_EQ(eve["request"]["read"]["address"].GetUint(), 16u);
  EXPECT_EQ(eve["request"]["read"]["quantity"].GetUint(), 2u);
  EXPECT_STREQ(eve["response"]["read"]["data"].GetString(), "ab\\xc8\x01") << "bytes as Suricata writes them";
  test::expectEveObjectsMatchSchema("modbus", {r.eve[1]});
}

TEST(ModbusProtocol, WritesCarryTheirValuesForTheKeyword) {
  auto p = parser();
  Records r;
  feed(*p, Direction::ToServer, adu(1, 1, {0x06, 0x00, 0x09, 0x12, 0x34}), r);
  feed(*p, Direction::ToServer, adu(2, 1, {0x10, 0x00, 0x20, 0x00, 0x02, 0x04, 0x00, 0x05, 0x00, 0x07}), r);
  feed(*p, Direction::ToServer, adu(3, 1, {0x0f, 0x00, 0x00, 0x00, 0x0a, 0x02, 0x05, 0x02}), r);
  ASSERT_EQ(r.dirs.size(), 3u);
  EXPECT_EQ(requestOf(r, 0).writtenAt(10), 0x1234);
  EXPECT_EQ(requestOf(r, 1).writtenAt(33), 5);
  EXPECT_EQ(requestOf(r, 1).writtenAt(34), 7);
  EXPECT_EQ(requestOf(r, 1).writtenAt(35), std::nullopt) << "past the quantity";
  // Coils as Suricata reads them: the 16-bit big-endian word at a quarter of the coil's index,
  // shifted by the index's low three bits (0x0502 here).
  EXPECT_EQ(requestOf(r, 2).writtenAt(1), 0);
  EXPECT_EQ(requestOf(r, 2).writtenAt(2), 1);
  EXPECT_EQ(requestOf(r, 2).writtenAt(3), 0);
  p->onEnd(r);
  ASSERT_EQ(r.dirs.size(), 6u) << "unanswered requests are written at the end";
  test::expectEveObjectsMatchSchema("modbus", {r.eve[3], r.eve[4], r.eve[5]});
}

TEST(ModbusProtocol, ExceptionsAndUnsolicitedResponses) {
  auto p = parser();
  Records r;
  feed(*p, Direction::ToServer, adu(5, 1, {0x01, 0x00, 0x00, 0x00, 0x08}), r);
  feed(*p, Direction::ToClient, adu(5, 1, {0x81, 0x02}), r);
  ASSERT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(r.ids[0], r.ids[1]) << "the exception answers the read";
  const rapidjson::Document eve = r.json(1);
  EXPECT_STREQ(eve["response"]["exception"]["code"].GetString(), "IllegalDataAddr");
  EXPECT_STREQ(eve["response"]["category"].GetString(), "NONE");
  feed(*p, Direction::ToClient, adu(99, 1, {0x03, 0x02, 0x00, 0x01}), r);
  ASSERT_EQ(r.dirs.size(), 3u);
  EXPECT_TRUE(raised(r.events[2], AppLayerEvent::ModbusUnsolicitedResponse));
  EXPECT_FALSE(r.json(2).HasMember("request"));
}

TEST(ModbusProtocol, FlagsAndCategoriesAreSuricatas) {
  auto p = parser();
  Records r;
  feed(*p, Direction::ToServer, adu(1, 1, {0x01, 0x00, 0x00, 0x00, 0x00}), r);  // quantity 0
  feed(*p, Direction::ToServer, adu(2, 1, {0x08, 0x00, 0x16, 0x00, 0x00}), r);  // reserved diagnostic
  feed(*p, Direction::ToServer, adu(3, 1, {0x41}), r);                          // user-defined 65
  ASSERT_EQ(r.dirs.size(), 3u);
  EXPECT_EQ(requestOf(r, 0).category, kModbusPublicAssigned);
  EXPECT_EQ(requestOf(r, 1).category, kModbusReserved);
  EXPECT_EQ(requestOf(r, 1).subfunction, 0x16);
  EXPECT_EQ(requestOf(r, 2).category, kModbusUserDefined);
  p->onEnd(r);
  EXPECT_STREQ(r.json(3)["request"]["error_flags"].GetString(), "DATA_VALUE");
  EXPECT_STREQ(r.json(4)["request"]["diagnostic"]["code"].GetString(), "Reserved");
  EXPECT_STREQ(r.json(5)["request"]["function_code"].GetString(), "Unknown");
}

TEST(ModbusProtocol, AdusSplitAndBatchedAreFramedByTheirLength) {
  auto p = parser();
  Records r;
  Bytes both = adu(1, 1, {0x03, 0x00, 0x00, 0x00, 0x01});
  const Bytes second = adu(2, 1, {0x04, 0x00, 0x00, 0x00, 0x01});
  both.insert(both.end(), second.begin(), second.end());
  feed(*p, Direction::ToServer, Bytes(both.begin(), both.begin() + 15), r);
  EXPECT_EQ(r.dirs.size(), 1u);
  feed(*p, Direction::ToServer, Bytes(both.begin() + 15, both.end()), r);
  EXPECT_EQ(r.dirs.size(), 2u);
  EXPECT_EQ(r.bad, 0);
}

TEST(ModbusProtocol, OpenRequestsAreBoundedAndBytesThatAreNotModbusEndTheDirection) {
  auto p = parser();
  Records r;
  for (uint16_t i = 0; i <= ModbusProtocol::kMaxOpen; ++i) feed(*p, Direction::ToServer, adu(i, 1, {0x03, 0, 0, 0, 1}), r);
  ASSERT_EQ(r.dirs.size(), ModbusProtocol::kMaxOpen + 2);
  EXPECT_TRUE(raised(r.events[ModbusProtocol::kMaxOpen], AppLayerEvent::ModbusFlooded));
  feed(*p, Direction::ToServer, adu(1, 1, {0x03, 0, 0, 0, 1}, 7), r);  // protocol identifier 7
  EXPECT_EQ(r.bad, 1);
  feed(*p, Direction::ToServer, adu(2, 1, {0x03, 0, 0, 0, 1}), r);
  EXPECT_EQ(r.dirs.size(), ModbusProtocol::kMaxOpen + 2) << "the direction is no longer parsed";
}

TEST(ModbusProtocol, TheProbeTakesProtocolZeroAndAPlausibleLength) {
  const ModbusProtocol modbus;
  const Bytes ok = adu(1, 1, {0x03, 0, 0, 0, 1});
  EXPECT_EQ(modbus.probe(AppProtocol::kTcp, Direction::ToServer, ok.data(), ok.size()), ProbeResult::Match);
  EXPECT_EQ(modbus.probe(AppProtocol::kTcp, Direction::ToServer, ok.data(), 5), ProbeResult::Unsure);
  const Bytes other = adu(1, 1, {0x03, 0, 0, 0, 1}, 1);
  EXPECT_EQ(modbus.probe(AppProtocol::kTcp, Direction::ToServer, other.data(), other.size()), ProbeResult::NoMatch);
}

}  // namespace
}  // namespace mamori
