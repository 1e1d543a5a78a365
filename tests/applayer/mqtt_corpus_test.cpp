// MQTT as the app layer parses it, on the corpus captures that carry it (nDPI's mqtt.pcap: a
// client connecting, subscribing and publishing on port 1883; coap_mqtt.pcap: four sessions on
// port 17501, which nDPI names MQTT, with thousands of QoS 1 publishes and their PUBACKs). Each
// packet's fields (what the keywords inspect) are matched with the frame tshark decodes by
// (timestamp in microseconds, source port, destination port), every packet of a frame together,
// and compared field by field: type, a PUBLISH's QoS, topic (PUBLISH, SUBSCRIBE and UNSUBSCRIBE),
// message, a CONNECT's client id and protocol version, a CONNACK's return code. Agreement is
// printed per field; each must be at least 99%. Every EVE object validates against Suricata's
// EVE schema for `mqtt`.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/applayer/plugin_corpus_check.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;

const char* const kFields[] = {"type", "qos", "topic", "message", "client_id", "version", "return_code"};

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += digits[static_cast<uint8_t>(c) >> 4];
    out += digits[static_cast<uint8_t>(c) & 0x0f];
  }
  return out;
}

uint32_t number(std::string_view v) {
  uint32_t n = 0;
  for (const char c : v) n = n << 8 | static_cast<uint8_t>(c);
  return n;
}

class MqttRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "mqtt") return;
    if (tx->logged) objects.push_back(tx->eve);
    // Every packet of a frame goes into one message, as tshark lists a frame's fields.
    std::deque<Message>& frame = messages[Key{r.ts, r.src_port, r.dest_port}];
    if (frame.empty()) frame.emplace_back();
    Message& m = frame.front();
    uint32_t type = 0;
    for (const ProtocolField& f : tx->fields) {
      const std::string_view name = f.name, value = tx->value(f);
      if (name == "mqtt.type") {
        type = number(value);
        m["type"].push_back(std::to_string(type));
      } else if (name == "mqtt.qos" && type == 3) {
        m["qos"].push_back(std::to_string(number(value)));
      } else if (name == "mqtt.publish.topic" || name == "mqtt.subscribe.topic" || name == "mqtt.unsubscribe.topic") {
        m["topic"].emplace_back(value);
      } else if (name == "mqtt.publish.message" && !value.empty()) {
        m["message"].push_back(hex(value));
      } else if (name == "mqtt.connect.clientid") {
        m["client_id"].emplace_back(value);
      } else if (name == "mqtt.protocol_version" && type == 1) {
        m["version"].push_back(std::to_string(number(value)));
      } else if (name == "mqtt.reason_code" && type == 2) {
        m["return_code"].push_back(std::to_string(number(value)));
      }
    }
  }
  test::MessagesByKey messages;
  std::vector<std::string> objects;
};

test::MessagesByKey tsharkMessages(const std::string& pcap, const std::string& options) {
  test::MessagesByKey out;
  const auto frames = test::tsharkFrames(
      pcap, "mqtt", {"mqtt.msgtype", "mqtt.qos", "mqtt.topic", "mqtt.msg", "mqtt.clientid", "mqtt.ver", "mqtt.conack.val"},
      options);
  for (const auto& [key, f] : frames) {
    Message m;
    for (size_t i = 0; i < std::size(kFields); ++i) {
      for (const std::string& v : f[i]) {
        if (!v.empty()) m[kFields[i]].push_back(v);
      }
    }
    out[key].push_back(std::move(m));
  }
  return out;
}

TEST(MqttCorpus, PacketsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  const auto same = [](const std::string&, const Message&, const auto& theirs, const auto& ours) { return theirs == ours; };
  ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<MqttRecords>(
      "ndpi/mqtt.pcap", "mqtt", [](const std::string& pcap) { return tsharkMessages(pcap, ""); }, kFields, same,
      tally, true));
  ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<MqttRecords>(
      "ndpi/coap_mqtt.pcap", "mqtt",
      [](const std::string& pcap) { return tsharkMessages(pcap, "-d tcp.port==17501,mqtt"); }, kFields, same, tally,
      true));
  std::printf("%llu MQTT frames (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 3000u);
  tally.agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("mqtt", tally.objects);
}

}  // namespace
}  // namespace mamori
