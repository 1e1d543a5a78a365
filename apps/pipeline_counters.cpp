#include "apps/pipeline_counters.h"

#include <array>
#include <tuple>

#include "applayer/app_layer_event.h"

namespace mamori {

namespace {

using Get = uint64_t (*)(const WorkerCounters&);

struct WorkerField {
  const char* stat;    // dotted EVE stats name
  const char* metric;  // Prometheus family
  const char* help;
  MetricSample::Type type;
  Get get;
  const char* label = nullptr;  // an extra label that splits the family
  const char* label_value = nullptr;
};

#define F(expr) [](const WorkerCounters& w) -> uint64_t { return expr; }

const WorkerField kWorkerFields[] = {
    {"decoder.decoded", "mamori_packets_decoded_total", "Packets decoded", MetricSample::Counter, F(w.decoded)},
    {"decoder.invalid", "mamori_packets_malformed_total", "Packets counted as malformed and skipped", MetricSample::Counter, F(w.malformed)},
    {"decoder.non_ip", "mamori_packets_non_ip_total", "Valid frames that carry no IP", MetricSample::Counter, F(w.non_ip)},
    {"worker.pkts", "mamori_worker_packets_total", "Packets processed by a worker", MetricSample::Counter, F(w.packets)},
    {"worker.bytes", "mamori_worker_bytes_total", "Bytes processed by a worker", MetricSample::Counter, F(w.bytes)},
    {"flow.total", "mamori_flows_created_total", "Flows created", MetricSample::Counter, F(w.flows.created)},
    {"flow.tcp", "mamori_flows_by_protocol_total", "Flows created by transport", MetricSample::Counter, F(w.flows.created_by_proto[0]), "proto", "tcp"},
    {"flow.udp", "mamori_flows_by_protocol_total", "Flows created by transport", MetricSample::Counter, F(w.flows.created_by_proto[1]), "proto", "udp"},
    {"flow.icmp", "mamori_flows_by_protocol_total", "Flows created by transport", MetricSample::Counter, F(w.flows.created_by_proto[2]), "proto", "icmp"},
    {"flow.other", "mamori_flows_by_protocol_total", "Flows created by transport", MetricSample::Counter, F(w.flows.created_by_proto[3]), "proto", "other"},
    {"flow.active", "mamori_flows_active", "Flows tracked now", MetricSample::Gauge, F(w.flows.active)},
    {"flow.ended", "mamori_flows_ended_all_total", "Flows ended for any reason", MetricSample::Counter, F(w.flows.ended)},
    {"flow.timeout", "mamori_flows_ended_total", "Flows ended, by reason", MetricSample::Counter, F(w.flows.timed_out), "reason", "timeout"},
    {"flow.evicted", "mamori_flows_ended_total", "Flows ended, by reason", MetricSample::Counter, F(w.flows.evicted), "reason", "evicted"},
    {"flow.shutdown", "mamori_flows_ended_total", "Flows ended, by reason", MetricSample::Counter, F(w.flows.shutdown), "reason", "shutdown"},
    {"flow.tcp_reuse", "mamori_flows_tcp_reuse_total", "TCP sessions restarted on the ports of a closed one", MetricSample::Counter, F(w.flows.reused)},
    {"tcp.segments", "mamori_reassembly_segments_total", "TCP segments given to reassembly", MetricSample::Counter, F(w.tcp.segments)},
    {"tcp.reassembled_bytes", "mamori_reassembly_bytes_total", "TCP stream bytes delivered in order", MetricSample::Counter, F(w.tcp.bytes_delivered)},
    {"tcp.buffered_bytes", "mamori_reassembly_buffered_bytes", "Out-of-order TCP bytes held now", MetricSample::Gauge, F(w.tcp.bytes_buffered_now)},
    {"tcp.reassembly_gap", "mamori_reassembly_gaps_total", "Holes given up in TCP streams", MetricSample::Counter, F(w.tcp.gaps)},
    {"tcp.gap_bytes", "mamori_reassembly_gap_bytes_total", "Bytes missing in TCP streams", MetricSample::Counter, F(w.tcp.gap_bytes)},
    {"tcp.retransmissions", "mamori_reassembly_retransmissions_total", "Segments repeating data already seen", MetricSample::Counter, F(w.tcp.retransmissions)},
    {"tcp.overlap_diff", "mamori_reassembly_overlaps_total", "Overlapping segments with different data", MetricSample::Counter, F(w.tcp.overlaps)},
    {"tcp.out_of_order", "mamori_reassembly_out_of_order_total", "Segments that arrived ahead of a hole", MetricSample::Counter, F(w.tcp.out_of_order)},
    {"tcp.midstream_pickups", "mamori_reassembly_midstream_total", "Streams picked up without a SYN", MetricSample::Counter, F(w.tcp.midstream)},
    {"tcp.past_depth", "mamori_reassembly_past_depth_total", "Segments with data past the reassembly depth", MetricSample::Counter, F(w.tcp.past_depth)},
    {"tcp.pool_exhausted", "mamori_reassembly_pool_exhausted_total", "Holes given up because the segment pool was full", MetricSample::Counter, F(w.tcp.pool_exhausted)},
    {"output.queue_waits", "mamori_output_queue_waits_total", "Times a capture file's packets waited for the output thread (output.max-queued-records)", MetricSample::Counter, F(w.output_waits)},
    {"defrag.fragments", "mamori_defrag_fragments_total", "IP fragments seen", MetricSample::Counter, F(w.frag.fragments)},
    {"defrag.reassembled", "mamori_defrag_reassembled_total", "IP datagrams reassembled", MetricSample::Counter, F(w.frag.reassembled)},
    {"defrag.timeouts", "mamori_defrag_timeouts_total", "Fragment trains expired incomplete", MetricSample::Counter, F(w.frag.timeouts)},
    {"defrag.overlaps", "mamori_defrag_overlaps_total", "Fragments overlapping held data", MetricSample::Counter, F(w.frag.overlaps)},
    {"defrag.evicted", "mamori_defrag_evicted_total", "Fragment trains dropped for memory", MetricSample::Counter, F(w.frag.evicted_for_memory)},
};

#undef F

using DetectGet = uint64_t (*)(const DetectCounters&);

struct DetectField {
  const char* stat;
  const char* metric;
  const char* help;
  DetectGet get;
};

#define D(expr) [](const DetectCounters& d) -> uint64_t { return expr; }

const DetectField kDetectFields[] = {
    {"detect.packets_inspected", "mamori_detect_packets_inspected_total", "Packets inspected by the rules", D(d.packets_inspected)},
    {"detect.bytes_scanned", "mamori_detect_bytes_scanned_total", "Payload and stream bytes scanned by Hyperscan", D(d.bytes_scanned)},
    {"detect.candidates", "mamori_detect_candidates_total", "Rules verified after the prefilter", D(d.candidates)},
    {"detect.scan_errors", "mamori_detect_scan_errors_total", "Hyperscan scan failures", D(d.scan_errors)},
    {"detect.flow_state_exhausted", "mamori_detect_flow_state_exhausted_total", "Flows that found no flowbit/flowint/stream record free", D(d.flow_state_exhausted)},
    {"detect.dataset_refused", "mamori_detect_dataset_refused_total", "dataset:set / unset changes refused: the worker's share of the set was full", D(d.dataset_refused)},
};

#undef D

// A rule's name as one segment of a dotted stats name: '.' would nest it, so it (and '%',
// to keep the escape unambiguous) is percent-escaped.
std::string statsSegment(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '.') out += "%2E";
    else if (c == '%') out += "%25";
    else out += c;
  }
  return out;
}

uint64_t sum(const PipelineTotals& t, Get get) {
  uint64_t s = 0;
  for (const auto& w : t.workers) s += get(w);
  return s;
}

// What became of the connections parsers announced, by the name stats and metrics give it.
std::array<std::pair<const char*, uint64_t>, 4> expectationOutcomes(const ConnectionExpectationCounters& c) {
  return {{{"created", c.created}, {"matched", c.matched}, {"expired", c.expired}, {"refused", c.refused}}};
}

}  // namespace

std::vector<std::pair<std::string, uint64_t>> statsCounters(const PipelineTotals& t) {
  std::vector<std::pair<std::string, uint64_t>> out;
  out.emplace_back("decoder.pkts", t.packets_read);
  out.emplace_back("decoder.bytes", t.bytes_read);
  for (const auto& f : kWorkerFields) out.emplace_back(f.stat, sum(t, f.get));
  for (size_t k = 0; k < kDecodeEventCount; ++k) {
    uint64_t s = 0;
    for (const auto& w : t.workers) s += w.decode_events[k];
    out.emplace_back(std::string("decoder.event.") + decodeEventName(static_cast<DecodeEvent>(k)), s);
  }
  if (t.capture.available) {
    out.emplace_back("capture.kernel_packets", t.capture.kernel_packets);
    out.emplace_back("capture.kernel_drops", t.capture.kernel_drops);
    out.emplace_back("capture.kernel_ifdrops", t.capture.interface_drops);
  }
  for (const auto& f : kDetectFields) {
    uint64_t sum = 0;
    for (const auto& d : t.detect) sum += f.get(d);
    out.emplace_back(f.stat, sum);
  }
  out.emplace_back("detect.alert", t.alerts);
  out.emplace_back("detect.alerts_suppressed", t.alerts_suppressed);
  out.emplace_back("detect.alerted_marks_lost", t.alerted_marks_lost);
  out.emplace_back("detect.rules_loaded", t.rules.rules_loaded);
  out.emplace_back("detect.rules_failed", t.rules.rules_failed);
  out.emplace_back("detect.rules_version", t.rules.version);
  out.emplace_back("detect.rule_reloads", t.rules.reloads_ok);
  out.emplace_back("detect.rule_reloads_refused", t.rules.reloads_refused);
  // Suricata's names: app_layer.flow.<proto>, app_layer.tx.<proto>.
  for (const auto& [name, flows] : t.app_flows) out.emplace_back("app_layer.flow." + name, flows);
  out.emplace_back("app_layer.guessed", t.app_flows_guessed);
  out.emplace_back("app_layer.identifying", t.app_flows_identifying);
  out.emplace_back("app_layer.identification_cut", t.app_flows_cut);
  out.emplace_back("app_layer.tx.http", t.parsers.http_transactions);
  out.emplace_back("app_layer.tx.http2", t.parsers.http2_streams);
  const FileTrackerCounters& tracked = t.parsers.files;
  out.emplace_back("file.opened", tracked.opened);
  out.emplace_back("file.closed", tracked.closed);
  out.emplace_back("file.truncated", tracked.truncated);
  out.emplace_back("file.refused_flow_limit", tracked.refused_flow_limit);
  out.emplace_back("file.refused_worker_limit", tracked.refused_worker_limit);
  out.emplace_back("file.hash_limit", tracked.hash_limit);
  out.emplace_back("file.stored", tracked.stored);
  out.emplace_back("app_layer.tx.dns", t.parsers.dns_messages);
  out.emplace_back("app_layer.tx.tls", t.parsers.tls_sessions);
  out.emplace_back("app_layer.tx.ssh", t.parsers.ssh_sessions);
  out.emplace_back("app_layer.error.http", t.parsers.http_errors);
  out.emplace_back("app_layer.error.http2", t.parsers.http2_malformed);
  out.emplace_back("app_layer.error.dns", t.parsers.dns_malformed);
  out.emplace_back("app_layer.error.tls", t.parsers.tls_malformed);
  out.emplace_back("app_layer.error.ssh", t.parsers.ssh_malformed);
  for (const ProtocolCounters& p : t.parsers.protocols) {
    out.emplace_back("app_layer.tx." + p.name, p.transactions);
    out.emplace_back("app_layer.error." + p.name, p.malformed);
  }
  // Connections parsers announced (FTP data channels), per worker: kept, found, let go.
  for (auto [outcome, n] : expectationOutcomes(t.parsers.expectations)) {
    out.emplace_back(std::string("app_layer.expectations.") + outcome, n);
  }
  out.emplace_back("app_layer.memcap_refused", t.app_memory.refused);
  out.emplace_back("app_layer.memory_bytes", t.app_memory.bytes);
  out.emplace_back("app_layer.memory_peak_bytes", t.app_memory.peak);
  out.emplace_back("correlate.groups", t.correlation_groups);
  out.emplace_back("correlate.memory_bytes", t.correlation_bytes);
  out.emplace_back("correlate.memcap_hits", t.correlation_memcap_hits);
  for (const CorrelationRuleCounters& r : t.correlation_rules) {
    const std::string prefix = "correlate.rules." + statsSegment(r.rule) + ".";
    out.emplace_back(prefix + "events", r.events);
    out.emplace_back(prefix + "matches", r.matches);
    out.emplace_back(prefix + "evictions", r.evictions);
    out.emplace_back(prefix + "dropped_events", r.dropped_events);
  }
  out.emplace_back("correlate.incidents_opened", t.incidents.incidents_opened);
  out.emplace_back("correlate.incidents_updated", t.incidents.updates_emitted);
  out.emplace_back("correlate.incidents_closed", t.incidents.incidents_closed);
  out.emplace_back("correlate.incidents_restored", t.incidents.incidents_restored);
  out.emplace_back("correlate.incidents_evicted", t.incidents.incidents_evicted);
  out.emplace_back("correlate.incidents_open", t.incidents_open_now);
  out.emplace_back("correlate.store_failed_saves", t.store_failed_saves);
  out.emplace_back("correlate.store_pruned", t.store_pruned);
  out.emplace_back("output.queue_dropped", t.output_queue.dropped);
  out.emplace_back("output.queue_records", t.output_queue.records);
  out.emplace_back("output.queue_peak", t.output_queue.peak);
  out.emplace_back("bus.sent", t.bus_sent);
  out.emplace_back("bus.refused", t.bus_refused.key + t.bus_refused.protocol + t.bus_refused.flood + t.bus_refused.full);
  out.emplace_back("bus.refused_flood", t.bus_refused.flood);
  out.emplace_back("bus.refused_full", t.bus_refused.full);
  if (t.central) {
    const CentralUplinkCounters& c = *t.central;
    out.emplace_back("central.sent", c.sent);
    out.emplace_back("central.spooled", c.spooled);
    out.emplace_back("central.replayed", c.replayed);
    out.emplace_back("central.dropped", c.dropped);
    out.emplace_back("central.acknowledged", c.acknowledged);
    out.emplace_back("central.spool_bytes", c.spool_bytes);
    out.emplace_back("central.connected", c.connected);
    out.emplace_back("central.links", c.connects);
    out.emplace_back("central.refusals", c.refusals);
    out.emplace_back("central.rule_sets", c.rule_sets);
  }
  out.emplace_back("detect.rule_pushes", t.rules.pushes_ok);
  out.emplace_back("detect.rule_pushes_refused", t.rules.pushes_refused);
  out.emplace_back("detect.rules_pushed_version", RuleSetPackage::versionSequence(t.rules.pushed_version));
  return out;
}

std::vector<MetricSample> metricSamples(const PipelineTotals& t) {
  std::vector<MetricSample> out;
  auto add = [&](const char* name, const char* help, MetricSample::Type type, double v,
                 std::vector<std::pair<std::string, std::string>> labels = {}) {
    out.push_back(MetricSample{name, help, type, std::move(labels), v});
  };
  add("mamori_packets_total", "Packets read from the capture source", MetricSample::Counter, double(t.packets_read));
  add("mamori_bytes_total", "Bytes read from the capture source", MetricSample::Counter, double(t.bytes_read));
  for (size_t w = 0; w < t.workers.size(); ++w) {
    for (const auto& f : kWorkerFields) {
      std::vector<std::pair<std::string, std::string>> labels{{"worker", std::to_string(w)}};
      if (f.label) labels.emplace_back(f.label, f.label_value);
      add(f.metric, f.help, f.type, double(f.get(t.workers[w])), std::move(labels));
    }
  }
  for (size_t w = 0; w < t.detect.size(); ++w) {
    for (const auto& f : kDetectFields) {
      add(f.metric, f.help, MetricSample::Counter, double(f.get(t.detect[w])), {{"worker", std::to_string(w)}});
    }
  }
  for (size_t k = 0; k < kDecodeEventCount; ++k) {
    uint64_t s = 0;
    for (const auto& w : t.workers) s += w.decode_events[k];
    add("mamori_decode_errors_total", "Decoder events by kind: malformed packets and anomalies", MetricSample::Counter, double(s),
        {{"kind", decodeEventName(static_cast<DecodeEvent>(k))}});
  }
  add("mamori_capture_kernel_packets_total", "Packets the kernel saw (live capture)", MetricSample::Counter, double(t.capture.kernel_packets));
  add("mamori_capture_kernel_drops_total", "Packets the kernel dropped for lack of buffer (live capture)", MetricSample::Counter, double(t.capture.kernel_drops));
  add("mamori_capture_interface_drops_total", "Packets the interface dropped (live capture)", MetricSample::Counter, double(t.capture.interface_drops));
  for (const auto& [name, flows] : t.app_flows) {
    add("mamori_app_flows_total", "Ended flows by application protocol", MetricSample::Counter, double(flows), {{"app_proto", name}});
  }
  add("mamori_app_flows_guessed_total", "Ended flows nDPI only guessed (by port or address); no app_proto", MetricSample::Counter, double(t.app_flows_guessed));
  add("mamori_app_flows_identifying", "Flows holding nDPI state now", MetricSample::Gauge, double(t.app_flows_identifying));
  add("mamori_app_flows_identification_cut_total", "Flows whose identification was given up early to make room for new ones (app-layer.memcap)", MetricSample::Counter, double(t.app_flows_cut));
  std::vector<std::tuple<std::string, uint64_t, uint64_t>> parsed{
      {"http", t.parsers.http_transactions, t.parsers.http_errors},
      {"http2", t.parsers.http2_streams, t.parsers.http2_malformed},
      {"dns", t.parsers.dns_messages, t.parsers.dns_malformed},
      {"tls", t.parsers.tls_sessions, t.parsers.tls_malformed},
      {"ssh", t.parsers.ssh_sessions, t.parsers.ssh_malformed}};
  for (const ProtocolCounters& p : t.parsers.protocols) parsed.emplace_back(p.name, p.transactions, p.malformed);
  for (const auto& [proto, tx, errors] : parsed) {
    add("mamori_app_transactions_total", "HTTP transactions, DNS messages, TLS handshakes, SSH banner pairs, plug-in protocols' transactions parsed", MetricSample::Counter, double(tx), {{"protocol", proto}});
    add("mamori_app_parse_errors_total", "Malformed app-layer data, by protocol", MetricSample::Counter, double(errors), {{"protocol", proto}});
  }
  for (size_t k = 0; k < kAppLayerEventCount; ++k) {
    if (!t.parsers.events[k]) continue;
    const AppLayerEventName name = appLayerEventName(static_cast<AppLayerEvent>(k));
    add("mamori_app_layer_events_total", "App-layer events the parsers raised (app-layer-event names)",
        MetricSample::Counter, double(t.parsers.events[k]),
        {{"protocol", std::string(name.protocol.empty() ? "applayer" : name.protocol)}, {"event", std::string(name.name)}});
  }
  const FileTrackerCounters& files = t.parsers.files;
  for (auto [outcome, n] : {std::pair{"closed", files.closed}, std::pair{"truncated", files.truncated},
                            std::pair{"refused_flow_limit", files.refused_flow_limit},
                            std::pair{"refused_worker_limit", files.refused_worker_limit}}) {
    add("mamori_files_total", "Files the app layer tracked by how they ended, or refused by a limit", MetricSample::Counter,
        double(n), {{"outcome", outcome}});
  }
  add("mamori_files_unhashed_total", "Files past files.max-hash-size, not hashed", MetricSample::Counter,
      double(files.hash_limit));
  add("mamori_files_stored_total", "Files filestore rules kept in files.store.dir", MetricSample::Counter,
      double(files.stored));
  for (auto [outcome, n] : expectationOutcomes(t.parsers.expectations)) {
    add("mamori_app_expectations_total", "Connections app-layer parsers announced (FTP data channels) by what became of them",
        MetricSample::Counter, double(n), {{"outcome", outcome}});
  }
  add("mamori_app_memcap_refused_total", "nDPI flow states, parsers and parser buffers refused for app-layer.memcap: "
      "those flows go unidentified or unparsed", MetricSample::Counter, double(t.app_memory.refused));
  add("mamori_app_memory_bytes", "App-layer per-flow state held now (nDPI, parsers and their buffers), all workers",
      MetricSample::Gauge, double(t.app_memory.bytes));
  add("mamori_alerts_total", "Alerts raised", MetricSample::Counter, double(t.alerts));
  add("mamori_alerts_suppressed_total", "Rule matches held back by their threshold or detection_filter",
      MetricSample::Counter, double(t.alerts_suppressed));
  add("mamori_alerted_marks_lost_total", "Flows whose EVE flow.alerted may read false although an alert of theirs "
      "was decided on the output thread (its marks were full)", MetricSample::Counter, double(t.alerted_marks_lost));
  for (const CorrelationRuleCounters& r : t.correlation_rules) {
    add("mamori_correlation_events_total", "Events that joined a group of the correlation rule", MetricSample::Counter, double(r.events), {{"rule", r.rule}});
    add("mamori_correlation_matches_total", "Matches the correlation rule emitted", MetricSample::Counter, double(r.matches), {{"rule", r.rule}});
    add("mamori_correlation_evictions_total", "Groups dropped for the correlate.max-groups-per-rule cap or correlate.memcap", MetricSample::Counter, double(r.evictions), {{"rule", r.rule}});
    add("mamori_correlation_dropped_events_total", "Events dropped for the correlate.max-events-per-group cap or correlate.memcap", MetricSample::Counter, double(r.dropped_events), {{"rule", r.rule}});
  }
  add("mamori_correlation_groups", "Correlation groups tracked now, all rules", MetricSample::Gauge, double(t.correlation_groups));
  add("mamori_correlation_memory_bytes", "Correlation groups' estimated bytes, all rules (correlate.memcap bounds it)",
      MetricSample::Gauge, double(t.correlation_bytes));
  add("mamori_correlation_memcap_hits_total", "Correlation groups and events given up for correlate.memcap "
      "(also counted in the rule's evictions and dropped events)", MetricSample::Counter, double(t.correlation_memcap_hits));
  add("mamori_incidents_total", "Incidents opened", MetricSample::Counter, double(t.incidents.incidents_opened));
  add("mamori_incident_updates_total", "Incident updates emitted", MetricSample::Counter, double(t.incidents.updates_emitted));
  add("mamori_incidents_closed_total", "Incidents closed (by inactivity, eviction or the end of input)", MetricSample::Counter, double(t.incidents.incidents_closed));
  add("mamori_incidents_restored_total", "Open incidents taken back from the incident store at start-up", MetricSample::Counter, double(t.incidents.incidents_restored));
  add("mamori_incidents_evicted_total", "Incidents closed early for the correlate.max-open-incidents cap", MetricSample::Counter, double(t.incidents.incidents_evicted));
  add("mamori_incidents_open", "Incidents open now, restored ones included", MetricSample::Gauge, double(t.incidents_open_now));
  add("mamori_incident_store_failed_saves_total", "Incident changes the store could not save (disk full, file removed)",
      MetricSample::Counter, double(t.store_failed_saves));
  add("mamori_incident_store_pruned_total", "Closed incidents removed from the store by correlate.store-retention-days",
      MetricSample::Counter, double(t.store_pruned));
  add("mamori_output_queue_dropped_total", "Records a live interface's workers dropped: output.max-queued-records were on their way to the output thread",
      MetricSample::Counter, double(t.output_queue.dropped));
  add("mamori_output_queue_records", "Records on their way to the output thread now, all workers", MetricSample::Gauge,
      double(t.output_queue.records));
  add("mamori_output_queue_peak_records", "The most records one worker has had on their way to the output thread", MetricSample::Gauge,
      double(t.output_queue.peak));
  add("mamori_bus_messages_total", "Messages published on the bus", MetricSample::Counter, double(t.bus_sent));
  for (auto [reason, n] : {std::pair{"key", t.bus_refused.key}, std::pair{"protocol", t.bus_refused.protocol},
                           std::pair{"flood", t.bus_refused.flood}, std::pair{"full", t.bus_refused.full}}) {
    add("mamori_bus_refused_connections_total",
        "Bus peers refused: a key not on bus.subscribers, a failed handshake (no CURVE, not ZeroMQ) or a bad frame after it, cut off for a flood, "
        "or over bus.max-subscribers",
        MetricSample::Counter, double(n), {{"reason", reason}});
  }
  add("mamori_rules_loaded", "Rules loaded", MetricSample::Gauge, double(t.rules.rules_loaded));
  add("mamori_rules_failed", "Rules that failed to load", MetricSample::Gauge, double(t.rules.rules_failed));
  add("mamori_rules_version", "Version of the rule set in use; goes up with each accepted reload", MetricSample::Gauge, double(t.rules.version));
  add("mamori_rule_reloads_total", "Rule reloads, by result", MetricSample::Counter, double(t.rules.reloads_ok), {{"result", "ok"}});
  add("mamori_rule_reloads_total", "Rule reloads, by result", MetricSample::Counter, double(t.rules.reloads_refused), {{"result", "refused"}});
  add("mamori_rule_reload_duration_seconds", "Time the last reload took to parse and compile", MetricSample::Gauge, t.rules.last_reload_seconds);
  add("mamori_rule_pushes_total", "Rule sets pushed by the central, by result", MetricSample::Counter, double(t.rules.pushes_ok), {{"result", "ok"}});
  add("mamori_rule_pushes_total", "Rule sets pushed by the central, by result", MetricSample::Counter, double(t.rules.pushes_refused), {{"result", "refused"}});
  add("mamori_rules_pushed_version", "Sequence number of the central's rule set in use (0: the sensor's own files)", MetricSample::Gauge,
      double(RuleSetPackage::versionSequence(t.rules.pushed_version)));
  if (t.central) {
    const CentralUplinkCounters& c = *t.central;
    add("mamori_uplink_sent_total", "Records sent to the central as they came", MetricSample::Counter, double(c.sent));
    add("mamori_uplink_spooled_total", "Records that waited in the spool: the central was unreachable or behind", MetricSample::Counter, double(c.spooled));
    add("mamori_uplink_replayed_total", "Records sent from the spool's backlog after a (re)connect", MetricSample::Counter, double(c.replayed));
    add("mamori_uplink_dropped_total", "Records lost: the spool was full", MetricSample::Counter, double(c.dropped));
    add("mamori_uplink_acknowledged_sequence", "The last record the central holds", MetricSample::Gauge, double(c.acknowledged));
    add("mamori_uplink_spool_bytes", "Bytes waiting in the spool", MetricSample::Gauge, double(c.spool_bytes));
    add("mamori_uplink_connected", "1 while the link to the central is up", MetricSample::Gauge, c.connected ? 1 : 0);
    add("mamori_uplink_links_total", "Links established to the central", MetricSample::Counter, double(c.connects));
  }
  return out;
}

}  // namespace mamori
