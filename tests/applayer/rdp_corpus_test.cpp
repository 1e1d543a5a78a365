// RDP as the app layer parses it, on the corpus capture that carries it (nDPI's rdp.pcap: a
// client negotiating TLS and CredSSP with a server, which selects HYBRID_EX, then the TLS
// handshake). Each record is matched with the frame tshark decodes by (timestamp in
// microseconds, source port, destination port) and compared field by field: the message (an
// X.224 negotiation request or response, or the ClientHello that starts TLS, which tshark
// decodes when told the port carries TLS), the cookie, and the hand-over to TLS: the server
// name the TLS parser read from the ClientHello after the hand-over. Agreement is printed per
// field; each must be 100%. Every EVE object validates against Suricata's schema for `rdp`.
// The capture carries no MCS Connect-Initial in the clear (CredSSP wraps it in TLS):
// tests/applayer/rdp_protocol_test.cpp covers it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
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

const char* const kFields[] = {"event_type", "cookie", "tls_sni"};
const char* const kCaptures[] = {"ndpi/rdp.pcap"};

class RdpRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    if (const auto* tls = std::get_if<TlsHandshake>(&r.body)) {
      // The TLS parser's record of a flow RDP handed over: its server name joins the
      // tls_handshake record that started it.
      const auto it = handshakes_.find(r.flow_id);
      if (it != handshakes_.end() && !tls->sni.empty()) messages[it->second].back()["tls_sni"] = {tls->sni};
      return;
    }
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "rdp") return;
    objects.push_back(tx->eve);
    rapidjson::Document eve;
    eve.Parse(tx->eve.c_str());
    Message m;
    m["event_type"] = {eve["event_type"].GetString()};
    if (eve.HasMember("cookie")) m["cookie"] = {eve["cookie"].GetString()};
    const Key key{r.ts, r.src_port, r.dest_port};
    if (m["event_type"][0] == "tls_handshake") handshakes_[r.flow_id] = key;
    messages[key].push_back(std::move(m));
  }
  test::MessagesByKey messages;
  std::vector<std::string> objects;

 private:
  std::map<uint64_t, Key> handshakes_;
};

test::MessagesByKey tsharkMessages(const std::string& pcap) {
  test::MessagesByKey out;
  for (const auto& [key, f] : test::tsharkFrames(pcap, "rdp.neg_type", {"rdp.neg_type", "rdp.rt_cookie"})) {
    Message m;
    m["event_type"] = {std::stoi(f[0][0], nullptr, 0) == 1 ? "initial_request" : "initial_response"};
    if (!f[1].empty() && !f[1][0].empty()) m["cookie"] = f[1];
    out[key].push_back(std::move(m));
  }
  // The TLS that follows, as tshark decodes it when told the port carries TLS: each flow's
  // first ClientHello.
  std::map<std::pair<uint16_t, uint16_t>, bool> seen;
  for (const auto& [key, f] : test::tsharkFrames(pcap, "tls.handshake.type==1", {"tls.handshake.extensions_server_name"},
                                                 "-d 'tcp.port==3389,tls'")) {
    if (seen[{std::get<1>(key), std::get<2>(key)}]) continue;
    seen[{std::get<1>(key), std::get<2>(key)}] = true;
    Message m;
    m["event_type"] = {"tls_handshake"};
    if (!f[0].empty() && !f[0][0].empty()) m["tls_sni"] = f[0];
    out[key].push_back(std::move(m));
  }
  return out;
}

TEST(RdpCorpus, NegotiationAndHandOverAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  for (const char* capture : kCaptures) {
    ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<RdpRecords>(
        capture, "rdp", tsharkMessages, kFields,
        [](const std::string&, const Message&, const auto& theirs, const auto& ours) { return theirs == ours; }, tally));
  }
  std::printf("%llu RDP messages (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 3u);
  // rdp.pcap's client sends no cookie: only the fields it has are compared.
  tally.agreement.expectAtLeast(std::vector<std::string>{"event_type", "tls_sni"}, 100.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("rdp", tally.objects);
}

}  // namespace
}  // namespace mamori
