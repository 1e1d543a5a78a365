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
// 99%.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/tshark_fields.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

using Key = std::tuple<int64_t, uint16_t, uint16_t>;
// Field values by name, each instance in message order.
using Message = std::map<std::string, std::vector<std::string>>;

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
    rapidjson::Document eve;
    eve.Parse(tx->eve.c_str());
    if (eve.IsObject() && eve.HasMember("realm")) m["realm"].emplace_back(eve["realm"].GetString());
    messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  std::map<Key, std::deque<Message>> messages;
};

constexpr char kAggregator = '\x1f';

std::map<Key, std::deque<Message>> tsharkMessages(const std::string& pcap) {
  const std::string cmd = "tshark -r '" + pcap +
                          "' -Y 'kerberos && (tcp.port == 88 || udp.port == 88)' -T fields"
                          " -E \"aggregator=$(printf '\\037')\" -e frame.time_epoch -e udp.srcport -e udp.dstport"
                          " -e tcp.srcport -e tcp.dstport -e kerberos.msg_type -e kerberos.error_code"
                          " -e kerberos.CNameString -e kerberos.SNameString -e kerberos.realm -e kerberos.crealm";
  const auto result = test::run(cmd + " 2>/dev/null");
  std::map<Key, std::deque<Message>> out;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto f = test::split(line, '\t');
    if (f.size() < 11) continue;
    const bool udp = !f[1].empty();
    auto port = [](const std::string& agg) { return static_cast<uint16_t>(std::stoi(test::split(agg, kAggregator).back())); };
    const auto types = test::split(f[5], kAggregator);
    if (types.empty()) continue;
    // The message's own type comes first; an AP-REQ inside a TGS-REQ's padata follows it.
    const std::string type = types.front();
    const bool request = type == "10" || type == "12";
    Message m;
    m["msg_type"] = {type};
    if (!f[6].empty()) m["error_code"] = {f[6]};
    if (auto cname = test::split(f[7], kAggregator); !cname.empty()) m["cname"] = cname;
    auto sname = test::split(f[8], kAggregator);
    const auto realms = test::split(f[9], kAggregator);
    const auto crealm = test::split(f[10], kAggregator);
    if (request) {
      m["sname"] = std::move(sname);  // compared as the list's tail
      if (!realms.empty()) m["realm"] = {realms.back()};
    } else {
      if (!sname.empty()) m["sname"] = std::move(sname);
      m["realm"] = {crealm.empty() ? "<empty>" : crealm.front()};
    }
    out[Key{test::epochToMicros(f[0]), port(udp ? f[1] : f[3]), port(udp ? f[2] : f[4])}].push_back(std::move(m));
  }
  return out;
}

bool agrees(const std::string& field, bool request, const std::vector<std::string>& theirs,
            const std::vector<std::string>& ours) {
  if (field == "sname" && request) {
    return !ours.empty() && ours.size() <= theirs.size() && std::equal(ours.rbegin(), ours.rend(), theirs.rbegin());
  }
  return theirs == ours;
}

struct Tally {
  uint64_t compared = 0, agreeing = 0;
};

TEST(Krb5Corpus, FieldsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  std::map<std::string, Tally> by_field;
  uint64_t frames = 0, unmatched_ours = 0;
  std::vector<std::string> disagreements;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers parsers(AppParsers::Config{}, nullptr);
    Krb5Records ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    for (auto& [key, theirs] : tsharkMessages(pcap)) {
      auto& mine = ours.messages[key];
      for (const Message& ts : theirs) {
        ++frames;
        const Message none;
        const Message& m = mine.empty() ? none : mine.front();
        const std::string type = ts.at("msg_type").front();
        const bool request = type == "10" || type == "12";
        for (const char* field : kFields) {
          const auto a = ts.find(field), b = m.find(field);
          if (a == ts.end() && b == m.end()) continue;
          Tally& t = by_field[field];
          ++t.compared;
          if (a != ts.end() && b != m.end() && agrees(field, request, a->second, b->second)) {
            ++t.agreeing;
          } else if (disagreements.size() < 20) {
            disagreements.push_back(std::string(capture) + " ts " + std::to_string(std::get<0>(key)) + " " + field +
                                    ": tshark '" + (a == ts.end() ? "-" : a->second.front()) + "' mamori '" +
                                    (b == m.end() ? "-" : b->second.front()) + "'");
          }
        }
        if (!mine.empty()) mine.pop_front();
      }
    }
    for (const auto& [key, left] : ours.messages) unmatched_ours += left.size();
    parsers.publish();
    const AppParserCounters c = parsers.published();
    for (const auto& p : c.protocols) {
      if (p.name != "krb5") continue;
      std::printf("%-50s krb5 messages %llu, malformed %llu\n", capture, static_cast<unsigned long long>(p.transactions),
                  static_cast<unsigned long long>(p.malformed));
    }
  }
  for (const auto& d : disagreements) std::printf("disagreement: %s\n", d.c_str());
  std::printf("%llu Kerberos frames (tshark); %llu messages only mamori saw\n", static_cast<unsigned long long>(frames),
              static_cast<unsigned long long>(unmatched_ours));
  ASSERT_GE(frames, 25u);
  for (const char* field : kFields) {
    const Tally& t = by_field[field];
    const double pct = t.compared ? 100.0 * t.agreeing / t.compared : 0.0;
    std::printf("  %-12s %5llu compared, %5llu agreeing (%.2f%%)\n", field, static_cast<unsigned long long>(t.compared),
                static_cast<unsigned long long>(t.agreeing), pct);
    EXPECT_GE(pct, 99.0) << field;
  }
  EXPECT_EQ(unmatched_ours, 0u);
}

}  // namespace
}  // namespace mamori
