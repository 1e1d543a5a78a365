// Kerberos 5 as the app layer parses it, on the corpus captures that carry it to or from a
// KDC (found with `tshark -Y kerberos` over ../shared/corpus; the SMB captures also carry
// Kerberos, inside SPNEGO on port 445, which is SMB's payload and not this plug-in's): each
// message AppParsers reports (its krb5 plug-in chosen by nDPI's verdict or by its probe) is
// matched with the frame tshark decodes, by (timestamp in microseconds, source port,
// destination port), and compared field by field: msg_type, error_code, cname, sname and
// realm. tshark lists every name in a frame; a request's body comes after its padata (where
// a TGS-REQ carries its ticket, with that ticket's sname and realm), so a request's sname and
// realm are the last ones tshark lists. The realm compared is the one EVE writes: a request's
// own, a reply's or an error's crealm. Agreement is printed per field; each must be at least
// 99%. Every EVE object has only the members Suricata's EVE schema gives `krb5`, of its types.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <string>
#include <tuple>
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

const char* const kFields[] = {"msg_type", "error_code", "cname", "sname", "realm"};

const char* const kCaptures[] = {
    "ndpi/kerberos.pcap",
    "suricata-verify/krb5-krb5_msg_type/input.pcap",
};

std::string number(std::string_view be) {
  uint32_t v = 0;
  for (unsigned char c : be) v = v << 8 | c;
  return std::to_string(v);
}

class Krb5Records final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "krb5") return;
    Message m;
    for (const ProtocolField& f : tx->fields) {
      const std::string_view name = f.name;
      if (name == "krb5_msg_type") m["msg_type"].push_back(number(tx->value(f)));
      if (name == "krb5_err_code") m["error_code"].push_back(number(tx->value(f)));
      if (name == "krb5.cname") m["cname"].emplace_back(tx->value(f));
      if (name == "krb5.sname") m["sname"].emplace_back(tx->value(f));
    }
    objects.push_back(tx->eve);
    rapidjson::Document eve;
    eve.Parse(tx->eve.c_str());
    if (eve.IsObject() && eve.HasMember("realm")) m["realm"].emplace_back(eve["realm"].GetString());
    messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  std::map<Key, std::deque<Message>> messages;
  std::vector<std::string> objects;  // EVE
};

std::map<Key, std::deque<Message>> tsharkMessages(const std::string& pcap) {
  std::map<Key, std::deque<Message>> out;
  const auto frames =
      test::tsharkFrames(pcap, "kerberos && (tcp.port == 88 || udp.port == 88)",
                         {"kerberos.msg_type", "kerberos.error_code", "kerberos.CNameString", "kerberos.SNameString",
                          "kerberos.realm", "kerberos.crealm"});
  for (const auto& [key, f] : frames) {
    if (f[0].empty()) continue;
    // The message's own type comes first; an AP-REQ inside a TGS-REQ's padata follows it.
    const std::string type = f[0].front();
    const bool request = type == "10" || type == "12";
    Message m;
    m["msg_type"] = {type};
    if (!f[1].empty()) m["error_code"] = f[1];
    if (!f[2].empty()) m["cname"] = f[2];
    if (!f[3].empty()) m["sname"] = f[3];  // a request's compared as the list's tail
    if (request) {
      if (!f[4].empty()) m["realm"] = {f[4].back()};
    } else {
      m["realm"] = {f[5].empty() ? "<empty>" : f[5].front()};
    }
    out[key].push_back(std::move(m));
  }
  return out;
}

// A request's sname is the tail of the names tshark lists (after its padata's ticket's).
bool agrees(const std::string& field, const Message& theirs_message, const std::vector<std::string>& theirs,
            const std::vector<std::string>& ours) {
  const std::string& type = theirs_message.at("msg_type").front();
  if (field == "sname" && (type == "10" || type == "12")) {
    return !ours.empty() && ours.size() <= theirs.size() && std::equal(ours.rbegin(), ours.rend(), theirs.rbegin());
  }
  return theirs == ours;
}

TEST(Krb5Corpus, FieldsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  for (const char* capture : kCaptures) {
    ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<Krb5Records>(capture, "krb5", tsharkMessages, kFields, agrees, tally));
  }
  std::printf("%llu Kerberos frames (tshark); %llu messages only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 25u);
  tally.agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("krb5", tally.objects);
}

}  // namespace
}  // namespace mamori
