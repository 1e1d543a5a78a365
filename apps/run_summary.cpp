#include "apps/run_summary.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "alerting/eve_formatter.h"

namespace mamori {

void ProgressLine::update(uint64_t packets, uint64_t bytes, uint64_t flows, uint64_t alerts) {
  if (!enabled_) return;
  fmt::print(stderr, "\r{}: {} packets, {:.1f} MB, {} flows ended, {} alerts   ", name_, packets, bytes / 1e6, flows, alerts);
  shown_ = true;
}

void ProgressLine::clear() {
  if (shown_) fmt::print(stderr, "\r\033[K");
  shown_ = false;
}

void printSummary(FILE* out, const std::string& input, const PipelineTotals& t, const OutputStage& output,
                  double elapsed_s) {
  uint64_t decoded = 0, malformed = 0;
  uint64_t by_proto[4] = {0, 0, 0, 0};
  std::vector<std::pair<std::string, uint64_t>> errors;
  for (const auto& w : t.workers) {
    decoded += w.decoded;
    malformed += w.malformed;
    for (int p = 0; p < 4; ++p) by_proto[p] += w.flows.created_by_proto[p];
  }
  for (size_t k = 0; k < kDecodeEventCount; ++k) {
    uint64_t s = 0;
    for (const auto& w : t.workers) s += w.decode_events[k];
    if (s) errors.emplace_back(decodeEventName(static_cast<DecodeEvent>(k)), s);
  }
  fmt::print(out, "\n== mamori run: {} ==\n", input);
  fmt::print(out, "packets   {} read ({:.1f} MB), {} decoded, {} malformed", t.packets_read, t.bytes_read / 1e6, decoded,
             malformed);
  for (const auto& [name, n] : errors) fmt::print(out, " [{} {}]", name, n);
  fmt::print(out, "\n");
  if (t.capture.available) {
    fmt::print(out, "capture   kernel saw {}, dropped {} (+{} at the interface)\n", t.capture.kernel_packets,
               t.capture.kernel_drops, t.capture.interface_drops);
  }
  fmt::print(out, "flows     {} (tcp {}, udp {}, icmp {}, other {})\n", output.flows(), by_proto[0], by_proto[1],
             by_proto[2], by_proto[3]);
  fmt::print(out, "rules     {} loaded, {} failed\n", t.rules.rules_loaded, t.rules.rules_failed);
  fmt::print(out, "alerts    {}\n", output.alerts());
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, OutputStage::SignatureTally>> sigs(
      output.alertsBySignature().begin(), output.alertsBySignature().end());
  std::stable_sort(sigs.begin(), sigs.end(), [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  for (const auto& [key, tally] : sigs) {
    fmt::print(out, "  {:>6}  [{}:{}] sev {}  {}\n", tally.count, key.first, key.second, tally.severity, tally.msg);
  }
  if (output.unlistedIncidents()) {
    fmt::print(out, "incidents {} (the first {} listed)\n", output.incidents().size() + output.unlistedIncidents(),
               output.incidents().size());
  } else {
    fmt::print(out, "incidents {}\n", output.incidents().size());
  }
  for (const auto& [id, inc] : output.incidents()) {
    fmt::print(out, "  #{}  sev {}  {}  {} .. {}  ({} alerts, {} targets)  [{}]\n", id, inc.severity, inc.title,
               EveFormatter::timestamp(inc.first_seen), EveFormatter::timestamp(inc.last_seen), inc.alert_count,
               inc.targets.size(), incidentStateName(inc.state));
  }
  fmt::print(out, "time      {:.2f} s\n", elapsed_s);
}

}  // namespace mamori
