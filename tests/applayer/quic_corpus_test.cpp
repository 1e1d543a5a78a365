// QUIC as the app layer parses it, on the corpus captures that carry it (nDPI's: IETF QUIC v1,
// drafts 29 and 32, Google's Q024-Q035 in the clear and Q050 under Initial protection). Each
// hello mamori reads (a record with an SNI, a user agent or a JA3 / JA3S) is matched with the
// frame tshark decodes it in by (timestamp in microseconds, source port, destination port)
// and compared field by field: version, SNI (TLS's server_name or gQUIC's SNI tag), gQUIC's
// user agent, JA3, JA3S and JA4 (tshark 4.0 has no JA4: tests/applayer/tshark_ja4.h computes it
// from tshark's fields of the hello). As Suricata, mamori reads a direction up to its first hello and
// only packets that carry the version: tshark's later hellos of a direction (a ClientHello
// sent again after a Retry, a gQUIC CHLO after the server's REJ) are not compared. Agreement is
// printed per field; each must be at least 99%. Every EVE object validates against Suricata's
// EVE schema for `quic`.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/field_agreement.h"
#include "tests/applayer/plugin_corpus_check.h"
#include "tests/applayer/tshark_ja4.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = test::MessageKey;
using Message = test::MessageFields;

const char* const kFields[] = {"version", "sni", "ua", "ja3", "ja3s", "ja4"};
const char* const kCaptures[] = {"ndpi/quic.pcap",         "ndpi/quic-29.pcap", "ndpi/quic-33.pcapng",
                                 "ndpi/gquic.pcap",        "ndpi/youtube_quic.pcap", "ndpi/doq.pcapng"};

std::string hex8(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

class QuicRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx || std::string_view(tx->protocol) != "quic") return;
    objects.push_back(tx->eve);
    Message m;
    bool hello = false;
    for (const ProtocolField& f : tx->fields) {
      const std::string_view v = tx->value(f);
      const std::string_view name = f.name;
      if (name == "quic.version" && v.size() == 4) {
        const auto* b = reinterpret_cast<const uint8_t*>(v.data());
        m["version"] = {hex8(static_cast<uint32_t>(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3])};
      } else if (name == "quic.sni" || name == "quic.ua") {
        m[name == "quic.sni" ? "sni" : "ua"] = {std::string(v)};
        hello = true;
      }
    }
    rapidjson::Document eve;
    eve.Parse(tx->eve.c_str());
    for (const char* key : {"ja3", "ja3s"}) {
      if (eve.HasMember(key)) {
        m[key] = {eve[key]["hash"].GetString()};
        hello = true;
      }
    }
    if (eve.HasMember("ja4")) m["ja4"] = {eve["ja4"].GetString()};
    if (hello) messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  test::MessagesByKey messages;
  std::vector<std::string> objects;
};

// tshark's version field: "0xff00001d" (IETF dissector, "a,b" for coalesced packets) or
// "Q043" (gQUIC's).
std::string tsharkVersion(const std::vector<std::string>& quic, const std::vector<std::string>& gquic) {
  if (!quic.empty() && quic[0].size() > 2) return quic[0].substr(2, 8);
  if (!gquic.empty() && gquic[0].size() == 4) {
    const std::string& g = gquic[0];
    return hex8(static_cast<uint32_t>(static_cast<uint8_t>(g[0])) << 24 | static_cast<uint8_t>(g[1]) << 16 |
                static_cast<uint8_t>(g[2]) << 8 | static_cast<uint8_t>(g[3]));
  }
  return {};
}

test::MessagesByKey tsharkMessages(const std::string& pcap) {
  test::MessagesByKey out;
  std::vector<std::string> fields = {"quic.version",  "gquic.version",     "tls.handshake.extensions_server_name",
                                     "gquic.tag.sni", "gquic.tag.uaid",    "tls.handshake.ja3",
                                     "tls.handshake.ja3s", "tls.handshake.type"};
  const size_t ja4_at = fields.size();
  fields.insert(fields.end(), test::tsharkJa4Fields().begin(), test::tsharkJa4Fields().end());
  const auto frames = test::tsharkFrames(
      pcap, "(tls.handshake.type == 1 || tls.handshake.type == 2 || gquic.tag.sni || gquic.tag.uaid)", fields);
  std::set<std::pair<uint16_t, uint16_t>> read;  // directions whose first hello is taken
  for (const auto& [key, f] : frames) {
    const std::string version = tsharkVersion(f[0], f[1]);
    if (version.empty()) continue;  // a gQUIC packet without its version: Suricata reads none
    if (!read.insert({std::get<1>(key), std::get<2>(key)}).second) continue;
    Message m;
    m["version"] = {version};
    if (!f[2].empty() && !f[2][0].empty()) m["sni"] = {f[2][0]};
    if (!f[3].empty() && !f[3][0].empty()) m["sni"] = {f[3][0]};
    if (!f[4].empty() && !f[4][0].empty()) m["ua"] = {f[4][0]};
    if (!f[5].empty() && !f[5][0].empty()) m["ja3"] = {f[5][0]};
    if (!f[6].empty() && !f[6][0].empty()) m["ja3s"] = {f[6][0]};
    if (!f[7].empty() && f[7][0] == "1") {
      const test::TsharkHelloFields hello{f[ja4_at].empty() ? std::string() : f[ja4_at][0], f[ja4_at + 1],
                                          f[ja4_at + 2], f[ja4_at + 3], f[ja4_at + 4], f[ja4_at + 5]};
      m["ja4"] = {test::ja4FromTshark('q', hello)};
    }
    out[key].push_back(std::move(m));
  }
  return out;
}

TEST(QuicCorpus, HellosAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  test::PluginCorpusTally tally;
  for (const char* capture : kCaptures) {
    ASSERT_NO_FATAL_FAILURE(test::crossCheckCapture<QuicRecords>(
        capture, "quic", tsharkMessages, kFields,
        [](const std::string&, const Message&, const auto& theirs, const auto& ours) { return theirs == ours; }, tally));
  }
  std::printf("%llu QUIC hellos (tshark); %llu only mamori saw\n", static_cast<unsigned long long>(tally.frames),
              static_cast<unsigned long long>(tally.unmatched_ours));
  ASSERT_GE(tally.frames, 18u);
  tally.agreement.expectAtLeast(kFields, 99.0);
  EXPECT_EQ(tally.unmatched_ours, 0u);
  test::expectEveObjectsMatchSchema("quic", tally.objects);
}

}  // namespace
}  // namespace mamori
