// SIP as the app layer parses it, on the corpus captures that carry SIP (found with
// `tshark -Y sip` over ../shared/corpus): each message AppParsers reports (its SIP plug-in
// chosen by its probe, no nDPI) is matched with the frame tshark decodes, by (timestamp in
// microseconds, source port, destination port), and compared field by field: method,
// request URI, status code and the From, To, Via, User-Agent, Content-Type and
// Content-Length headers (each instance, compact forms included). Agreement is printed
// per field; each must be at least 99%.
#include <gtest/gtest.h>

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
// Field values by our keyword, each instance in message order.
using Message = std::map<std::string, std::vector<std::string>>;

// Our keyword and tshark's field for it.
constexpr std::pair<const char*, const char*> kFields[] = {
    {"sip.method", "sip.Method"},         {"sip.uri", "sip.r-uri"},
    {"sip.stat_code", "sip.Status-Code"}, {"sip.from", "sip.From"},
    {"sip.to", "sip.To"},                 {"sip.via", "sip.Via"},
    {"sip.user_agent", "sip.User-Agent"}, {"sip.content_type", "sip.Content-Type"},
    {"sip.content_length", "sip.Content-Length"},
};

const char* const kCaptures[] = {
    "ndpi/sip.pcap",
    "suricata-verify/sip-from/input.pcap",
};

class SipRecords final : public AppEventListener {
 public:
  void onAppEvent(Flow&, const AppRecord& r) override {
    const auto* tx = std::get_if<ProtocolTransaction>(&r.body);
    if (!tx) return;
    Message m;
    for (const ProtocolField& f : tx->fields) m[f.name].emplace_back(tx->value(f));
    messages[Key{r.ts, r.src_port, r.dest_port}].push_back(std::move(m));
  }
  std::map<Key, std::deque<Message>> messages;
};

constexpr char kAggregator = '\x1f';

std::map<Key, std::deque<Message>> tsharkMessages(const std::string& pcap) {
  std::string cmd = "tshark -r '" + pcap +
                    "' -Y 'sip && !icmp && !icmpv6' -T fields -E \"aggregator=$(printf '\\037')\" -e frame.time_epoch"
                    " -e udp.srcport -e udp.dstport -e tcp.srcport -e tcp.dstport";
  for (const auto& [ours, theirs] : kFields) cmd += std::string(" -e ") + theirs;
  const auto result = test::run(cmd + " 2>/dev/null");
  std::map<Key, std::deque<Message>> out;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto f = test::split(line, '\t');
    if (f.size() < 5 + std::size(kFields)) continue;
    const bool udp = !f[1].empty();
    auto port = [](const std::string& agg) { return static_cast<uint16_t>(std::stoi(test::split(agg, kAggregator).back())); };
    Message m;
    for (size_t i = 0; i < std::size(kFields); ++i) {
      auto values = test::split(f[5 + i], kAggregator);
      if (!values.empty()) m[kFields[i].first] = std::move(values);
    }
    out[Key{test::epochToMicros(f[0]), port(udp ? f[1] : f[3]), port(udp ? f[2] : f[4])}].push_back(std::move(m));
  }
  return out;
}

struct Tally {
  uint64_t compared = 0, agreeing = 0;
};

TEST(SipCorpus, FieldsAgreeWithTshark) {
  MAMORI_REQUIRE_SHARED();
  std::map<std::string, Tally> by_field;
  uint64_t frames = 0, unmatched_ours = 0;
  std::vector<std::string> disagreements;
  for (const char* capture : kCaptures) {
    const std::string pcap = test::sharedDir() + "/corpus/" + capture;
    AppParsers parsers(AppParsers::Config{}, nullptr);
    SipRecords ours;
    parsers.addListener(&ours);
    ASSERT_NO_FATAL_FAILURE(test::runCapture(pcap, parsers));
    for (auto& [key, theirs] : tsharkMessages(pcap)) {
      auto& mine = ours.messages[key];
      for (const Message& ts : theirs) {
        ++frames;
        const Message none;
        const Message& m = mine.empty() ? none : mine.front();
        for (const auto& [field, unused] : kFields) {
          const auto a = ts.find(field), b = m.find(field);
          if (a == ts.end() && b == m.end()) continue;
          Tally& t = by_field[field];
          ++t.compared;
          if (a != ts.end() && b != m.end() && a->second == b->second) {
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
    const AppParserCounters c = [&] {
      parsers.publish();
      return parsers.published();
    }();
    std::printf("%-40s sip messages %llu, malformed %llu\n", capture,
                static_cast<unsigned long long>(c.protocols.at(0).transactions),
                static_cast<unsigned long long>(c.protocols.at(0).malformed));
  }
  for (const auto& d : disagreements) std::printf("disagreement: %s\n", d.c_str());
  std::printf("%llu SIP frames (tshark); %llu messages only mamori saw\n", static_cast<unsigned long long>(frames),
              static_cast<unsigned long long>(unmatched_ours));
  ASSERT_GT(frames, 100u);
  for (const auto& [field, unused] : kFields) {
    const Tally& t = by_field[field];
    const double pct = t.compared ? 100.0 * t.agreeing / t.compared : 0.0;
    std::printf("  %-20s %5llu compared, %5llu agreeing (%.2f%%)\n", field, static_cast<unsigned long long>(t.compared),
                static_cast<unsigned long long>(t.agreeing), pct);
    EXPECT_GE(pct, 99.0) << field;
  }
  EXPECT_EQ(unmatched_ours, 0u);
}

}  // namespace
}  // namespace mamori
