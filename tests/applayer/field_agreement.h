#pragma once
// FieldAgreement: the tally of a corpus cross-check against tshark (tests/applayer/*_corpus_test),
// field by field. Each message tshark decodes is matched with the one mamori reported at the
// same (timestamp in microseconds, source port, destination port), in order; each field either
// side has counts: how many agreed, and the first disagreements, printed and checked against
// the agreement the check asks for.
#include <gtest/gtest.h>

#include "tests/applayer/tshark_fields.h"
#include "tests/support/test_support.h"

#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace mamori::test {

using MessageKey = std::tuple<int64_t, uint16_t, uint16_t>;
// A message's field values by field name, each instance in message order.
using MessageFields = std::map<std::string, std::vector<std::string>>;
using MessagesByKey = std::map<MessageKey, std::deque<MessageFields>>;

constexpr char kTsharkAggregator = '\x1f';

// The frames `filter` picks in `pcap`, each as its message key and the values of `fields`
// (tshark's names; each split at the aggregator into its instances), in frame order.
// `options`: more of tshark's options ("-d 'tcp.port==3389,tls'" for a protocol on a port tshark
// does not give it).
inline std::vector<std::pair<MessageKey, std::vector<std::vector<std::string>>>> tsharkFrames(
    const std::string& pcap, const std::string& filter, const std::vector<std::string>& fields,
    const std::string& options = "") {
  std::string cmd = "tshark -r '" + pcap + "' " + options + " -Y '" + filter +
                    "' -T fields -E \"aggregator=$(printf '\\037')\" -e frame.time_epoch"
                    " -e udp.srcport -e udp.dstport -e tcp.srcport -e tcp.dstport";
  for (const std::string& f : fields) cmd += " -e " + f;
  std::vector<std::pair<MessageKey, std::vector<std::vector<std::string>>>> out;
  std::istringstream lines(run(cmd + " 2>/dev/null").out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto f = split(line, '\t');
    if (f.size() < 5 + fields.size()) continue;
    const bool udp = !f[1].empty();
    auto port = [](const std::string& agg) { return static_cast<uint16_t>(std::stoi(split(agg, kTsharkAggregator).back())); };
    std::vector<std::vector<std::string>> values;
    for (size_t i = 0; i < fields.size(); ++i) values.push_back(split(f[5 + i], kTsharkAggregator));
    out.emplace_back(MessageKey{epochToMicros(f[0]), port(udp ? f[1] : f[3]), port(udp ? f[2] : f[4])}, std::move(values));
  }
  return out;
}

class FieldAgreement {
 public:
  // Compares tshark's messages of one capture with ours (those matched are taken out of
  // `ours`); `agree(field, theirs, ours)` says whether two values of a field agree. How many
  // of tshark's messages there were.
  template <typename Fields, typename Agree>
  uint64_t compare(const std::string& capture, const MessagesByKey& theirs, MessagesByKey& ours, const Fields& fields,
                   Agree&& agree) {
    uint64_t frames = 0;
    for (const auto& [key, messages] : theirs) {
      auto& mine = ours[key];
      for (const MessageFields& ts : messages) {
        ++frames;
        const MessageFields none;
        const MessageFields& m = mine.empty() ? none : mine.front();
        for (const std::string field : fields) {
          const auto a = ts.find(field), b = m.find(field);
          if (a == ts.end() && b == m.end()) continue;
          count(field, a != ts.end() && b != m.end() && agree(field, ts, a->second, b->second),
                capture + " ts " + std::to_string(std::get<0>(key)), a == ts.end() ? "-" : a->second.front(),
                b == m.end() ? "-" : b->second.front());
        }
        if (!mine.empty()) mine.pop_front();
      }
    }
    return frames;
  }

  // The messages in `ours` no tshark message matched.
  static uint64_t unmatched(const MessagesByKey& ours) {
    uint64_t n = 0;
    for (const auto& [key, left] : ours) n += left.size();
    return n;
  }

  // One field of one message; `theirs` / `ours` are what each side had ("-" for none).
  void count(const std::string& field, bool agree, const std::string& where, const std::string& theirs,
             const std::string& ours) {
    Tally& t = by_field_[field];
    ++t.compared;
    if (agree) {
      ++t.agreeing;
    } else if (disagreements_.size() < 20) {
      disagreements_.push_back(where + " " + field + ": tshark '" + theirs + "' mamori '" + ours + "'");
    }
  }

  // Prints the disagreements and each field's agreement; each must reach `min_pct`.
  template <typename Fields>
  void expectAtLeast(const Fields& fields, double min_pct) const {
    for (const auto& d : disagreements_) std::printf("disagreement: %s\n", d.c_str());
    for (const std::string field : fields) {
      const auto it = by_field_.find(field);
      const Tally t = it == by_field_.end() ? Tally{} : it->second;
      const double pct = t.compared ? 100.0 * t.agreeing / t.compared : 0.0;
      std::printf("  %-20s %5llu compared, %5llu agreeing (%.2f%%)\n", field.c_str(),
                  static_cast<unsigned long long>(t.compared), static_cast<unsigned long long>(t.agreeing), pct);
      EXPECT_GE(pct, min_pct) << field;
    }
  }

 private:
  struct Tally {
    uint64_t compared = 0, agreeing = 0;
  };
  std::map<std::string, Tally> by_field_;
  std::vector<std::string> disagreements_;
};

}  // namespace mamori::test
