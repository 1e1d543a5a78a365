// LDAP as the app layer parses it, on the corpus captures that carry it (found with
// `tshark -Y ldap` over ../shared/corpus: the bind responses of an Active Directory domain's
// clients, whose requests are sealed by SASL, and an unsolicited notice of disconnection
// picked up mid-stream): each response mamori's ldap plug-in (chosen by its probe) reports
// is matched with the frame tshark decodes by (timestamp in microseconds, source port,
// destination port) and compared field by field: message ID, operation, result code, matched
// DN and diagnostic message. Agreement is printed per field; each must be at least 99%. Every
// EVE object validates against Suricata's EVE schema for `ldap`.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <deque>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "applayer/app_parsers.h"
#include "applayer/ldap_names.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/applayer/plugin_corpus_check.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;

const char* const kFields[] = {"message_id", "operation", "result_code", "matched_dn", "message"};

const char* const kCaptures[] = {
    "ndpi/kerberos.pcap",
    "suricata-verify/bug-7552/bug-7552-02/input.pcap",
};

// Each response of each transaction, as the EVE object lists them.
class LdapRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "ldap" || !tx->logged) return;
    rapidjson::Document eve;
    eve.Parse(tx->eve.c_str());
    if (!eve.IsObject() || !eve.HasMember("responses")) return;
    for (const auto& response : eve["responses"].GetArray()) {
      Message m;
      m["message_id"] = {std::to_string(response["message_id"].GetUint())};
      const std::string operation = response["operation"].GetString();
      m["operation"] = {operation};
      const auto& body = response[operation.c_str()];
      if (body.HasMember("result_code")) {
        m["result_code"] = {body["result_code"].GetString()};
        m["matched_dn"] = {body["matched_dn"].GetString()};
        m["message"] = {body["message"].GetString()};
      }
      messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
    }
    objects.push_back(tx->eve);
  }
  std::map<Key, std::deque<Message>> messages;
  std::vector<std::string> objects;  // EVE
};

// tshark's protocolOp numbers and result codes as mamori (and Suricata) names them.
std::string named(const ProtocolNumberName* begin, const ProtocolNumberName* end, const std::string& number) {
  for (const ProtocolNumberName* n = begin; n != end; ++n) {
    if (std::to_string(n->value) == number) return std::string(n->name);
  }
  return number;
}

std::map<Key, std::deque<Message>> tsharkMessages(const std::string& pcap) {
  std::map<Key, std::deque<Message>> out;
  const auto frames = test::tsharkFrames(pcap, "ldap",
                                         {"ldap.messageID", "ldap.protocolOp", "ldap.resultCode", "ldap.matchedDN",
                                          "ldap.errorMessage"});
  for (const auto& [key, f] : frames) {
    for (size_t i = 0; i < f[0].size(); ++i) {
      if (f[1].size() <= i || f[1][i].empty()) continue;
      const std::string operation =
          named(std::begin(kLdapOperationNames), std::end(kLdapOperationNames), f[1][i]);
      if (operation.find("request") != std::string::npos) continue;  // requests are not in these captures' clear text
      Message m;
      m["message_id"] = {f[0][i]};
      m["operation"] = {operation};
      if (i < f[2].size() && !f[2][i].empty()) {
        m["result_code"] = {named(std::begin(kLdapResultCodeNames), std::end(kLdapResultCodeNames), f[2][i])};
        m["matched_dn"] = {i < f[3].size() ? f[3][i] : ""};
        m["message"] = {i < f[4].size() ? f[4][i] : ""};
      }
      out[key].push_back(std::move(m));
    }
  }
  return out;
}

TEST(LdapCorpus, ResponsesAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  for (const char* capture : kCaptures) {
    ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<LdapRecords>(capture, "ldap", tsharkMessages, kFields, [](const std::string&, const Message&, const auto& theirs, const auto& ours_values) { return theirs == ours_values; }, tally));
  }
  std::printf("%llu LDAP responses (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 8u);
  tally.agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("ldap", tally.objects);
}

}  // namespace
}  // namespace mamori
