// DNP3 as the app layer parses it, on the corpus capture that carries it (nDPI's dnp3.pcap: a
// master polling outstations and their unsolicited responses over TCP). Each application
// fragment mamori's dnp3 plug-in reports is matched with the frame tshark decodes it in
// (timestamp in microseconds, source port, destination port) and compared field by field:
// link source and destination, application function code, internal indications and the
// first object header's group and variation. The capture repeats some segments (TCP
// retransmissions), which tshark decodes again and the stream carries once: they are left out of
// tshark's. Agreement is printed per field; each must be at
// least 99%. Every EVE object validates against Suricata's EVE schema for `dnp3`.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

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

const char* const kFields[] = {"src", "dst", "function", "iin", "object"};
const char* const kCaptures[] = {"ndpi/dnp3.pcap"};
constexpr unsigned kStopAppl = 18;

class Dnp3Records final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "dnp3" || !tx->logged) return;
    objects.push_back(tx->eve);
    rapidjson::Document eve;
    eve.Parse(tx->eve.c_str());
    Message m;
    m["src"] = {std::to_string(eve["src"].GetUint())};
    m["dst"] = {std::to_string(eve["dst"].GetUint())};
    const auto& app = eve["application"];
    m["function"] = {std::to_string(app["function_code"].GetUint())};
    for (const ProtocolField& f : tx->fields) {
      if (std::string_view(f.name) != "dnp3_ind") continue;
      uint32_t v = 0;
      for (const char c : tx->value(f)) v = v << 8 | static_cast<uint8_t>(c);
      m["iin"] = {std::to_string(v)};
    }
    // tshark leaves the objects of STOP_APPL (18) requests undecoded: those are not compared.
    if (app.HasMember("objects") && app["function_code"].GetUint() != kStopAppl) {
      const auto& o = app["objects"][0];
      m["object"] = {std::to_string(o["group"].GetUint() << 8 | o["variation"].GetUint())};
    }
    messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  test::MessagesByKey messages;
  std::vector<std::string> objects;
};

test::MessagesByKey tsharkMessages(const std::string& pcap) {
  test::MessagesByKey out;
  for (const auto& [key, f] :
       test::tsharkFrames(pcap, "dnp3.al.func && !tcp.analysis.retransmission", {"dnp3.src", "dnp3.dst", "dnp3.al.func", "dnp3.al.iin", "dnp3.al.obj"})) {
    Message m;
    for (size_t i = 0; i < std::size(kFields); ++i) {
      if (!f[i].empty()) m[kFields[i]] = {std::to_string(std::stoul(f[i].back(), nullptr, 0))};
    }
    if (!f[4].empty()) m["object"] = {std::to_string(std::stoul(f[4].front(), nullptr, 0))};
    out[key].push_back(std::move(m));
  }
  return out;
}

TEST(Dnp3Corpus, FragmentsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  for (const char* capture : kCaptures) {
    ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<Dnp3Records>(
        capture, "dnp3", tsharkMessages, kFields,
        [](const std::string&, const Message&, const auto& theirs, const auto& ours) { return theirs == ours; }, tally));
  }
  std::printf("%llu DNP3 fragments (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 90u);
  tally.agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("dnp3", tally.objects);
}

}  // namespace
}  // namespace mamori
