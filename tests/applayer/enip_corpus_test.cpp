// EtherNet/IP as the app layer parses it, on the corpus captures that carry it (nDPI's
// ethernetIP.pcap: Logix controllers polled with Multiple Service Packets of Read Tag
// services, over SendUnitData and SendRRData; suricata-verify's enip-alert: a ListIdentity
// request and its reply). Every record mamori's enip plug-in makes of a PDU is gathered per
// frame (timestamp in microseconds, source port, destination port) and compared with what
// tshark decodes in that frame: the encapsulation commands and statuses, every CIP service
// (Multiple Service Packets' included) and CIP general status, and a ListIdentity reply's
// vendor, device type, serial and product name. tshark also decodes the request an Unconnected
// Send (service 82) embeds, as one more service after it; Suricata does not, nor does mamori,
// so that one is left out of tshark's services. Agreement is printed per field; each must be
// at least 99%. Every EVE object validates against Suricata's EVE schema for `enip`.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/applayer/plugin_corpus_check.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;

// Our field names and tshark's, side by side.
struct Compared {
  const char* ours;
  const char* tshark;
};
constexpr Compared kCompared[] = {
    {"enip_command", "enip.command"},   {"enip.status", "enip.status"},     {"cip_service", "cip.sc"},
    {"enip.cip_status", "cip.genstat"}, {"enip.vendor_id", "enip.lir.vendor"}, {"enip.device_type", "enip.lir.devtype"},
    {"enip.serial", "enip.lir.serial"}, {"enip.product_name", "enip.lir.name"},
};
const char* const kFields[] = {"enip_command", "enip.status", "cip_service", "enip.cip_status",
                               "enip.vendor_id", "enip.device_type", "enip.serial", "enip.product_name"};

const char* const kCaptures[] = {
    "ndpi/ethernetIP.pcap",
    "suricata-verify/enip-alert/input.pcap",
};

// A field's value as both sides print it: numbers in decimal, text as it is.
std::string ourValue(const char* name, std::string_view v) {
  if (std::string_view(name) == "enip.product_name") return std::string(v);
  if (std::string_view(name) == "cip_service") return std::to_string(static_cast<uint8_t>(v[0]));
  uint32_t n = 0;
  for (const char c : v) n = n << 8 | static_cast<uint8_t>(c);
  return std::to_string(n);
}

class EnipRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "enip") return;
    if (tx->logged) objects.push_back(tx->eve);
    if (tx->fields.empty()) return;  // a request written unanswered: its PDU was reported already
    // PDUs of one frame are one message, as tshark shows the frame.
    auto& frame = messages[Key{r.ts, r.src_port, r.dest_port}];
    if (frame.empty() || r.ts != last_ts_) frame.emplace_back();
    last_ts_ = r.ts;
    for (const ProtocolField& f : tx->fields) frame.back()[f.name].push_back(ourValue(f.name, tx->value(f)));
  }
  test::MessagesByKey messages;
  std::vector<std::string> objects;

 private:
  int64_t last_ts_ = -1;
};

// tshark's services without the one each Unconnected Send embeds.
std::vector<std::string> withoutEmbedded(const std::vector<std::string>& services) {
  std::vector<std::string> out;
  for (size_t i = 0; i < services.size(); ++i) {
    out.push_back(services[i]);
    if (services[i] == "82") ++i;
  }
  return out;
}

test::MessagesByKey tsharkMessages(const std::string& pcap) {
  test::MessagesByKey out;
  std::vector<std::string> fields;
  for (const Compared& c : kCompared) fields.push_back(c.tshark);
  for (const auto& [key, f] : test::tsharkFrames(pcap, "enip", fields)) {
    Message m;
    for (size_t i = 0; i < std::size(kCompared); ++i) {
      for (const std::string& v : f[i]) {
        const bool text = std::string_view(kCompared[i].ours) == "enip.product_name";
        m[kCompared[i].ours].push_back(text ? v : std::to_string(std::stoul(v, nullptr, 0)));
      }
    }
    if (m.count("cip_service")) m["cip_service"] = withoutEmbedded(m["cip_service"]);
    out[key].push_back(std::move(m));
  }
  return out;
}

TEST(EnipCorpus, PdusAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  for (const char* capture : kCaptures) {
    ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<EnipRecords>(capture, "enip", tsharkMessages, kFields, [](const std::string&, const Message&, const auto& theirs, const auto& ours_values) { return theirs == ours_values; }, tally));
  }
  std::printf("%llu ENIP frames (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 50u);
  tally.agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("enip", tally.objects);
}

}  // namespace
}  // namespace mamori
