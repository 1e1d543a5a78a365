// Modbus/TCP as the app layer parses it, on the corpus capture that carries it (nDPI's
// modbus.pcap: a master polling holding registers). Each request's `modbus` field (what the
// keyword inspects) and each response's EVE object are matched with the frame tshark decodes
// by (timestamp in microseconds, source port, destination port) and compared field by field:
// unit, function code, and a request's starting address and quantity; a response's
// transaction identifier (requests carry theirs only in the record their response ends). The
// capture holds no exception (tests/applayer/modbus_protocol_test.cpp covers them). Agreement is printed per field; each must be at least 99%. Every EVE object
// validates against Suricata's EVE schema for `modbus`.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "applayer/modbus_request_field.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/applayer/plugin_corpus_check.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;

const char* const kFields[] = {"unit", "function", "address", "quantity", "transaction_id"};
const char* const kCaptures[] = {"ndpi/modbus.pcap"};
constexpr uint16_t kModbusPort = 502;

class ModbusRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "modbus") return;
    Message m;
    ModbusRequestField f;
    if (!tx->fields.empty() && ModbusRequestField::decode(tx->value(tx->fields[0]), f)) {
      m["unit"] = {std::to_string(f.unit_id)};
      m["function"] = {std::to_string(f.function_raw)};
      if (f.first != 0) {
        m["address"] = {std::to_string(f.first - 1)};
        m["quantity"] = {std::to_string(f.last - f.first + 1)};
      }
    }
    if (tx->logged) {
      objects.push_back(tx->eve);
      rapidjson::Document eve;
      eve.Parse(tx->eve.c_str());
      if (eve.HasMember("response")) {
        const auto& resp = eve["response"];
        m["unit"] = {std::to_string(resp["unit_id"].GetUint())};
        m["function"] = {std::to_string(resp["function_raw"].GetUint())};
        m["transaction_id"] = {std::to_string(resp["transaction_id"].GetUint())};
      }
    }
    if (!m.empty()) messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  test::MessagesByKey messages;
  std::vector<std::string> objects;
};

test::MessagesByKey tsharkMessages(const std::string& pcap) {
  test::MessagesByKey out;
  const auto frames = test::tsharkFrames(pcap, "mbtcp",
                                         {"mbtcp.unit_id", "modbus.func_code", "modbus.reference_num",
                                          "modbus.word_cnt", "mbtcp.trans_id"});
  for (const auto& [key, f] : frames) {
    Message m;
    const bool response = std::get<1>(key) == kModbusPort;
    for (size_t i = 0; i < std::size(kFields); ++i) {
      const bool request_only = i == 2 || i == 3, response_only = i == 4;
      if (f[i].empty() || (response && request_only) || (!response && response_only)) continue;
      m[kFields[i]] = {f[i][0]};
    }
    out[key].push_back(std::move(m));
  }
  return out;
}

TEST(ModbusCorpus, AdusAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  for (const char* capture : kCaptures) {
    ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<ModbusRecords>(
        capture, "modbus", tsharkMessages, kFields,
        [](const std::string&, const Message&, const auto& theirs, const auto& ours) { return theirs == ours; }, tally));
  }
  std::printf("%llu Modbus frames (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 100u);
  tally.agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("modbus", tally.objects);
}

}  // namespace
}  // namespace mamori
