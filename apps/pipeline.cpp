#include "apps/pipeline.h"

#include "applayer/app_parsers.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "alerting/bus_publisher.h"
#include "alerting/eve_file_writer.h"
#include "alerting/incident_store.h"
#include "alerting/metrics_exporter.h"
#include "apps/config.h"
#include "apps/console_host.h"
#include "apps/output_stage.h"
#include "apps/pipeline_counters.h"
#include "apps/rule_loading.h"
#include "apps/rule_reloader.h"
#include "apps/run_summary.h"
#include "auth/loopback_endpoint.h"
#include "capture/capture_engine.h"
#include "capture/pcap_source.h"
#include "correlate/correlation_rule_parser.h"
#include "detect/detect_observer.h"
#include "detect/rule_set_builder.h"
#include "detect/signature_database.h"
#include "uplink/central_uplink.h"
#include "uplink/rule_set_compiler.h"

namespace mamori {

namespace {

std::atomic<CaptureEngine*> g_engine{nullptr};
std::atomic<RuleReloader*> g_reloader{nullptr};

extern "C" void onStopSignal(int) {
  if (CaptureEngine* e = g_engine.load()) e->stop();
}

extern "C" void onReloadSignal(int) {
  if (RuleReloader* r = g_reloader.load()) r->request();
}

// Everything one worker owns besides the Worker itself.
struct WorkerParts {
  WorkerParts(size_t queue_events, WorkerEventQueue::WhenFull when_full) : queue(queue_events, when_full) {}
  WorkerEventQueue queue;
  std::unique_ptr<Worker> worker;
  std::unique_ptr<AppMemory> app_memory;  // outlives the app layer's observers, which give back to it
  std::unique_ptr<AppIdentifier> apps;
  std::unique_ptr<AppParsers> parsers;
  std::unique_ptr<DetectObserver> detect;
};

// The set the central pushed last, kept in central.rules-dir: a restarted sensor runs it
// rather than the files it was started with, and says so. One that no longer builds here
// (the configuration changed) is set aside with the reason, and the files are used.
StartingRules pushedRules(const Config& config) {
  StartingRules out;
  try {
    out.pushed = RuleSetPackage::loadCurrent(config.central.rules_dir);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: the kept pushed rule set cannot be read ({}); starting with the rule files\n", e.what());
    return out;
  }
  if (out.pushed.version.empty()) return out;
  CompiledRuleSet compiled =
      compileRuleSet(out.pushed, config.ruleVariables(), config.rule_cache_dir, defaultCorrelationPath());
  if (!compiled.ok()) {
    fmt::print(stderr, "mamori: the kept pushed rule set {} does not build here ({}); starting with the rule files\n",
               out.pushed.version, compiled.errors.empty() ? "no database" : compiled.errors.front());
    return StartingRules{};
  }
  fmt::print(stderr, "mamori: starting with rule set {} pushed by the central (kept in {}), not the rule files: "
                     "{} rules\n", out.pushed.version, config.central.rules_dir, compiled.signatures.database->size());
  out.signatures = std::move(compiled.signatures.database);
  out.correlation = std::move(compiled.correlation);
  return out;
}

}  // namespace

int runPipeline(const RunOptions& opt) {
  Config config;
  try {
    config = Config::load(opt.config);
  } catch (const ConfigError& e) {
    fmt::print(stderr, "mamori: configuration error: {}\n", e.what());
    return 1;
  }
  // Before the rules compile: refused, the operator hears it at once.
  if (!opt.bus.empty() && !config.bus_security && !isLoopbackEndpoint(opt.bus)) {
    fmt::print(stderr,
               "mamori: --bus {} is reachable from other machines, and a bus that is must authenticate its "
               "subscribers: set bus.key (the bus's key pair, from `mamori keys generate`) and bus.subscribers "
               "(the public keys allowed to subscribe) in the configuration, or bind a loopback endpoint "
               "(tcp://127.0.0.1:PORT, ipc://PATH)\n",
               opt.bus);
    return 1;
  }

  if (!opt.central.empty()) config.central.endpoint = opt.central;
  if (!config.central.endpoint.empty() && (config.central.server_key.empty() || config.central.key.secret_key.empty())) {
    fmt::print(stderr, "mamori: --central needs central.server-key (the central's public key) and central.key (this "
                       "sensor's key pair) in the configuration\n");
    return 1;
  }
  StartingRules rules;
  if (!config.central.endpoint.empty()) rules = pushedRules(config);
  if (!rules.signatures) {
    std::vector<std::string> rule_paths = opt.rules.empty() ? std::vector<std::string>{defaultRulesPath()} : opt.rules;
    BuiltSignatures built = buildSignatures(RuleSources{rule_paths, {}}, config.ruleVariables(), config.rule_cache_dir);
    for (size_t i = 0; i < built.errors.size() && i < 20; ++i) {
      fmt::print(stderr, "mamori: rule not loaded: {}\n", built.errors[i].toString());
    }
    if (built.errors.size() > 20) {
      fmt::print(stderr, "mamori: ... and {} more rule errors (see `mamori rules check`)\n", built.errors.size() - 20);
    }
    if (!built.database) {
      fmt::print(stderr, "mamori: cannot build the signature database from {} rules\n", built.parsed);
      return 1;
    }
    // A sensor that cannot alert must not look like one that found nothing: a rule source that
    // was not read (a mistyped path) or a set of which no rule loaded stops start-up.
    auto unread = std::find_if(built.errors.begin(), built.errors.end(), [](const RuleError& e) { return e.line == 0; });
    if (unread != built.errors.end()) {
      fmt::print(stderr, "mamori: rules not read: {}\n", unread->toString());
      return 1;
    }
    if (built.database->size() == 0 && !built.errors.empty()) {
      fmt::print(stderr, "mamori: none of the {} rules loaded: not starting a sensor that cannot alert\n",
                 built.errors.size());
      return 1;
    }
    rules.signatures = std::move(built.database);
    rules.failed = built.errors.size();
  }

  std::unique_ptr<PcapSource> source;
  try {
    source = opt.pcap.empty() ? PcapSource::openLive(opt.interface, config.live) : PcapSource::openFile(opt.pcap);
  } catch (const CaptureError& e) {
    fmt::print(stderr, "mamori: {}\n", e.what());
    return 2;
  }
  return runPipelineOn(opt, config, std::move(rules), *source, opt.pcap.empty() ? opt.interface : opt.pcap);
}

int runPipelineOn(const RunOptions& opt, const Config& config, StartingRules rules, PacketSource& source,
                  const std::string& input) {
  auto started = std::chrono::steady_clock::now();
  double stats_interval = opt.stats_interval_s >= 0 ? opt.stats_interval_s : config.stats_interval_s;

  std::vector<std::unique_ptr<EventOutput>> outputs;
  BusPublisher* bus = nullptr;
  CentralUplink* uplink = nullptr;
  std::atomic<RuleReloader*> reloader_ptr{nullptr};  // where the uplink hands pushed sets
  std::atomic<OutputStage*> output_ptr{nullptr};     // where pushed correlation rules go
  try {
    if (!opt.eve.empty()) outputs.push_back(std::make_unique<EveFileWriter>(opt.eve));
    if (!opt.bus.empty()) {
      BusPublisherOptions bus_options;
      bus_options.security = config.bus_security;
      bus_options.max_subscribers = config.bus_max_subscribers;
      auto b = std::make_unique<BusPublisher>(opt.bus, bus_options);
      bus = b.get();
      outputs.push_back(std::move(b));
    }
    if (!config.central.endpoint.empty()) {
      CentralUplinkOptions link;
      link.endpoint = config.central.endpoint;
      link.server_key = config.central.server_key;
      link.key = config.central.key;
      link.sensor = config.sensor_name;
      link.spool.dir = config.central.spool_dir;
      link.spool.max_bytes = config.central.spool_max;
      link.records = config.central.records;
      link.rules_version = rules.pushed.version;
      auto u = std::make_unique<CentralUplink>(link, [&reloader_ptr](RuleSetPackage package) {
        if (RuleReloader* r = reloader_ptr.load()) r->push(std::move(package));
      });
      uplink = u.get();
      outputs.push_back(std::move(u));
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: {}\n", e.what());
    return 1;
  }
  // A capture file is over in moments: give subscribers that were already waiting for
  // this sensor the time to connect, so they hear the run from its first record.
  if (bus && !source.live() && opt.bus_wait_ms > 0) {
    if (bus->waitForSubscribers(1, std::chrono::milliseconds(opt.bus_wait_ms))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      bus->waitForSubscribers(bus->subscribers(), std::chrono::milliseconds(0));
    }
  }

  RuleSetSlot rule_set(rules.signatures);
  std::vector<std::string> rule_paths = opt.rules.empty() ? std::vector<std::string>{defaultRulesPath()} : opt.rules;
  RuleReloader::PushTargets push_targets;
  push_targets.swap_correlation = [&output_ptr](CorrelationRuleSet set) {
    if (OutputStage* o = output_ptr.load()) o->replaceCorrelation(std::move(set));
  };
  push_targets.report = [&uplink](RuleSetReport report) {
    if (uplink) uplink->reportRuleSet(std::move(report));
  };
  push_targets.keep_dir = config.central.rules_dir;
  push_targets.default_correlation = defaultCorrelationPath();
  const size_t rules_loaded = rules.signatures->size();
  RuleReloader reloader(rule_paths, rules.pushed, config, rule_set, rules_loaded, rules.failed, push_targets);
  reloader_ptr.store(&reloader);
  size_t n = opt.workers > 0 ? size_t(opt.workers) : std::max(1u, std::thread::hardware_concurrency());
  Worker::Config wc = config.worker;
  wc.flows.memcap_bytes = config.flow_memcap / n;
  if (config.app_layer) wc.flows.observer_bytes_per_flow = AppIdentifier::bytesPerFlow() + AppParsers::bytesPerFlow();
  // Files: the hashes and magic the configuration asks for and those the rules at start
  // need (filemd5 / filesha1 / filesha256, filemagic), and the store filestore rules
  // keep files in.
  AppParsers::Config app_parsers = config.app_parsers;
  // libmagic costs up to a millisecond a file: run only when asked or used.
  bool magic = config.files_force_magic;
  for (uint32_t i = 0; i < rules.signatures->size(); ++i) {
    const Rule& rule = rules.signatures->signature(i).rule;
    for (const FileHashTest& t : rule.files.hashes) {
      const size_t length = t.list->hexLength();
      app_parsers.file_limits.hashes |= length == 32 ? file_hash::kMd5 : length == 40 ? file_hash::kSha1 : file_hash::kSha256;
    }
    for (const AppBufferMatch& b : rule.app_buffers) magic |= b.buffer == AppBufferId::FileMagic;
  }
  if (!magic) app_parsers.file_limits.magic_bytes = 0;
  std::unique_ptr<FileStore> file_store;
  if (!config.file_store.dir.empty()) {
    file_store = std::make_unique<FileStore>(config.file_store);
    if (!file_store->enabled()) {
      fmt::print(stderr, "mamori: files.store.dir: cannot create '{}'\n", config.file_store.dir);
      return 1;
    }
  }
  std::vector<std::unique_ptr<WorkerParts>> parts;
  std::vector<Worker*> workers;
  std::vector<WorkerEventQueue*> queues;
  for (size_t i = 0; i < n; ++i) {
    // A capture file waits for the output thread and loses nothing; a live interface
    // cannot wait (the kernel would drop instead, uncounted by us), so it drops and counts.
    auto p = std::make_unique<WorkerParts>(config.max_queued_records, source.live() ? WorkerEventQueue::WhenFull::Drop
                                                                                     : WorkerEventQueue::WhenFull::Wait);
    p->worker = std::make_unique<Worker>(int(i), wc, p->queue);
    p->queue.attach(*p->worker);
    // Identification runs before detection, so a packet's rules see its flow's verdict.
    if (config.app_layer) {
      p->app_memory = std::make_unique<AppMemory>(config.app_memcap / n);
      try {
        p->apps = std::make_unique<AppIdentifier>(config.app_identifier, p->app_memory.get());
      } catch (const std::exception& e) {
        fmt::print(stderr, "mamori: app-layer: {}\n", e.what());
        return 1;
      }
      p->worker->addObserver(p->apps.get());
    }
    // Even with one worker, so that a run decides thresholds one way whatever --workers says.
    p->detect = std::make_unique<DetectObserver>(rule_set, p->queue, p->apps.get(),
                                                 PacketInspector::Thresholds::SpanningDownstream);
    p->worker->addObserver(p->detect.get());
    // The parsers come last: the app events they raise while handling a packet are
    // inspected with that packet, which detection has then already seen.
    if (p->apps) {
      p->parsers = std::make_unique<AppParsers>(app_parsers, p->apps.get(), p->app_memory.get(), file_store.get());
      p->parsers->addListener(p->detect.get());
      p->parsers->addListener(&p->queue);
      p->worker->addObserver(p->parsers.get());
    }
    workers.push_back(p->worker.get());
    queues.push_back(&p->queue);
    parts.push_back(std::move(p));
  }

  OutputStage::Correlation correlation;
  std::unique_ptr<IncidentStore> store;
  try {
    if (rules.correlation) {
      correlation.rules = std::move(*rules.correlation);
    } else {
      CorrelationRuleParser parser;
      parser.addPath(defaultCorrelationPath());
      for (const std::string& path : opt.correlation) parser.addPath(path);
      correlation.rules = parser.finish();
    }
    if (!opt.store.empty()) store = std::make_unique<IncidentStore>(IncidentStore::open(opt.store));
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: {}\n", e.what());
    return 1;
  }
  if (!store && source.live() && !config.incident_store.empty()) {
    // The configured store of a sensor: one it cannot open (a folder not made yet) must not
    // keep it from watching the wire, so it says so and runs without.
    try {
      store = std::make_unique<IncidentStore>(IncidentStore::open(config.incident_store));
    } catch (const std::exception& e) {
      fmt::print(stderr, "mamori: {}; incidents are not stored\n", e.what());
    }
  }
  if (store) {
    store->setRetention(config.incident_store_retention);
    try {
      correlation.restored = store->loadOpen(config.sensor_name);
    } catch (const std::exception& e) {
      fmt::print(stderr, "mamori: {}\n", e.what());
      return 1;
    }
    correlation.store = store.get();
  }
  // The console reads the store the pipeline writes, and is fed by the output thread.
  std::unique_ptr<ConsoleHost> console;
  if (!opt.ui.empty() || config.ui) {
    ConsoleOptions ui = config.ui.value_or(ConsoleOptions{});
    if (!opt.ui.empty()) ui.listen = opt.ui;
    if (!opt.ui_accounts.empty()) ui.accounts = opt.ui_accounts;
    if (!store) {
      fmt::print(stderr, "mamori: ui: the console needs an incident store (--store, or correlate.store for a live interface)\n");
      return 1;
    }
    ui.store = store->path();
    try {
      console = std::make_unique<ConsoleHost>(ui, opt.correlation);
    } catch (const std::exception& e) {
      fmt::print(stderr, "mamori: ui: {}\n", e.what());
      return 1;
    }
    fmt::print(stderr, "mamori: console on {}\n", console->url());
  }
  correlation.engine = config.correlation;
  correlation.incidents = config.incidents;
  correlation.incidents.sensor = config.sensor_name;
  // Held-back evidence must reach an incident before its inactivity would close it.
  correlation.engine.max_hold = std::max<TimeUs>(1, config.incidents.inactivity / 2);

  CaptureEngine engine(source, workers);
  std::vector<EventOutput*> output_ptrs;
  for (auto& o : outputs) output_ptrs.push_back(o.get());
  if (console) output_ptrs.push_back(&console->feed());
  OutputStage output(engine, queues, std::move(correlation), output_ptrs);
  output_ptr.store(&output);

  auto totals = [&] {
    PipelineTotals t;
    for (auto* w : workers) t.workers.push_back(w->snapshot());
    for (auto& p : parts) {
      t.detect.push_back(p->detect->published());
      if (!p->apps) continue;
      const AppIdentifierCounters a = p->apps->published();
      for (AppProtoId id = 1; id < a.flows_by_proto.size(); ++id) {
        if (a.flows_by_proto[id]) t.app_flows[p->apps->appProtoName(id)] += a.flows_by_proto[id];
      }
      t.app_flows["unknown"] += a.flows_unknown;
      t.app_flows_guessed += a.flows_guessed;
      t.app_flows_identifying += a.flows_in_progress;
      t.app_flows_cut += a.flows_cut;
      t.parsers += p->parsers->published();
      t.app_memory.refused += p->app_memory->refused();
      t.app_memory.bytes += p->app_memory->used();
      t.app_memory.peak = std::max<uint64_t>(t.app_memory.peak, p->app_memory->peak());
    }
    for (auto& p : parts) {
      t.output_queue.dropped += p->queue.dropped();
      t.output_queue.records += p->queue.inFlight();
      t.output_queue.peak = std::max<uint64_t>(t.output_queue.peak, p->queue.peak());
    }
    t.packets_read = engine.packetsRead();
    t.bytes_read = engine.bytesRead();
    t.capture = source.stats();
    t.alerts = output.alerts();
    t.alerts_suppressed = output.alertsSuppressed();
    for (const DetectCounters& d : t.detect) t.alerts_suppressed += d.alerts_suppressed;
    t.alerted_marks_lost = output.alertedMarksLost();
    t.correlation_rules = output.correlationCounters();
    t.correlation_groups = output.correlationGroups();
    t.correlation_bytes = output.correlationBytes();
    t.correlation_memcap_hits = output.correlationMemcapHits();
    t.incidents = output.incidentCounters();
    t.incidents_open_now = output.incidentsOpen();
    if (store) {
      t.store_failed_saves = store->failedSaves();
      t.store_pruned = store->pruned();
    }
    if (bus) {
      t.bus_sent = bus->sent();
      t.bus_refused = bus->refused();
    }
    if (uplink) t.central = uplink->counters();
    t.rules = reloader.status();
    return t;
  };
  auto uptime = [&] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
  };
  auto stats_record = [&](TimeUs ts) {
    output.publish(EventKind::Stats, output.formatter().formatStats(ts, uptime(), statsCounters(totals())));
  };

  std::unique_ptr<MetricsExporter> metrics;
  if (!opt.metrics.empty()) {
    try {
      metrics = std::make_unique<MetricsExporter>(opt.metrics, [&] {
        auto samples = metricSamples(totals());
        if (console) {
          auto more = console->metrics();
          samples.insert(samples.end(), more.begin(), more.end());
        }
        return samples;
      },
                                                  MetricsExporter::Labels{{"sensor", config.sensor_name}});
      fmt::print(stderr, "mamori: metrics on http://{}/metrics (port {})\n", opt.metrics, metrics->port());
    } catch (const std::exception& e) {
      fmt::print(stderr, "mamori: {}\n", e.what());
      return 1;
    }
  }

  TimeUs last_ts = 0;
  output.every(stats_interval, [&] {
    last_ts = std::max(last_ts, engine.watermark(0) == CaptureEngine::kDone ? last_ts : engine.watermark(0));
    stats_record(last_ts);
  });
  // Records reach a log shipper, and the central's link, within a tenth of a second.
  output.every(0.1, [&] {
    for (auto& o : outputs) o->flush();
  });
  ProgressLine progress(!source.live() && isatty(STDERR_FILENO), input);
  output.every(0.5, [&] { progress.update(engine.packetsRead(), engine.bytesRead(), output.flows(), output.alerts()); });

  if (uplink) uplink->start();
  std::thread output_thread([&] { output.run(); });
  g_engine.store(&engine);
  g_reloader.store(&reloader);
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  struct sigaction hup {};
  hup.sa_handler = onReloadSignal;
  sigaction(SIGHUP, &hup, nullptr);
  ReadStatus status = engine.run();
  output_thread.join();
  g_engine.store(nullptr);
  g_reloader.store(nullptr);
  progress.clear();

  TimeUs end_ts = 0;
  for (auto* w : workers) end_ts = std::max(end_ts, w->snapshot().now);
  // The central takes the run's records before the final stats record is written, so that
  // record tells how they went (sent, spooled, replayed); then it takes that one too.
  // Whatever it has not taken when the wait ends stays in the spool for the next start.
  const auto drain_until = std::chrono::steady_clock::now() +
                           std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(config.central.drain_timeout_s));
  auto drain = [&] {
    for (auto& o : outputs) o->flush();
    return !uplink || uplink->drain(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::max(drain_until - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration(0))));
  };
  drain();
  stats_record(end_ts);
  if (!drain()) {
    const CentralUplinkCounters c = uplink->counters();
    fmt::print(stderr, "mamori: the central has not taken every record yet; they wait in {} ({} bytes) for the next "
                       "start (last acknowledged {})\n", config.central.spool_dir, c.spool_bytes, c.acknowledged);
  }
  if (uplink) uplink->stop();
  reloader_ptr.store(nullptr);

  if (status == ReadStatus::Error) {
    fmt::print(stderr, "mamori: error reading '{}': {} (records for the {} packets before it were written)\n",
               input, source.error(), engine.packetsRead());
  }
  if (opt.summary) printSummary(stderr, input, totals(), output,
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return status == ReadStatus::Error ? 2 : 0;
}

}  // namespace mamori
