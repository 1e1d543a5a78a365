// Throughput and memory of the sensor's stages on a real capture replayed from memory.
//
//   pipeline_bench --pcap FILE --mode read|decode|full|ceiling [--workers N] [--replays R]
//                  [--rules PATH]... [--no-app-layer] [--config FILE] [--cache-dir DIR]
//
// read:   plain libpcap reading the capture from memory, touching each packet: the
//         ceiling every other figure is a ratio of. Every mode reads the same way.
// decode: decode + flow table + TCP reassembly, no detection, no output.
// full:   the whole pipeline as `mamori run` builds it, with the default (demo) rules or --rules,
//         EVE records formatted and written to /dev/null, correlation on; the app layer
//         (nDPI, HTTP / DNS / TLS parsers) on unless --no-app-layer. --config: a mamori.yaml
//         it runs with, as `mamori run --config` does (a `central` section links it to a
//         central; the run then ends once the central holds every record, as a capture
//         file's run does). --cache-dir: the compiled rules are kept there, so that runs
//         after the first start warm.
// ceiling: the rule set's Hyperscan databases block-scanned over the same payloads alone.
// One line of figures per run; bench/run.sh runs each mode in its own process so peak
// memory is per mode.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sys/resource.h>
#include <unistd.h>
#include <fstream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "apps/pipeline.h"
#include "apps/rule_loading.h"
#include "bench/memory_source.h"
#include "detect/rule_set_builder.h"
#include "capture/capture_engine.h"

#include <hs/hs.h>

using namespace mamori;

namespace {

struct NullRecords final : FlowRecordSink {
  uint64_t records = 0;
  void onFlowRecord(const FlowRecord&) override { ++records; }
};

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// CPU time of every thread of the process (user and system): what a stage costs the
// machine, which wall time alone hides when other processes share the cores.
double processCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Peak resident memory since resetPeak(): what the stage itself holds, the capture in
// memory included, the transient cost of loading it not.
long peakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void resetPeak() { std::ofstream("/proc/self/clear_refs") << "5"; }

void report(const std::string& mode, int workers, uint64_t packets, uint64_t bytes, double secs, double cpu_secs,
            long rss_kb, size_t arena) {
  fmt::print("mode={} workers={} packets={} seconds={:.3f} cpu_seconds={:.3f} pps={:.0f} gbps={:.3f} peak_rss_mb={:.1f} "
             "capture_in_memory_mb={:.1f}\n",
             mode, workers, packets, secs, cpu_secs, packets / secs, bytes * 8 / secs / 1e9, rss_kb / 1024.0,
             arena / 1048576.0);
}

int readMode(const std::string& path, int replays) {
  bench::MemorySource source(path, replays);
  uint64_t packets = 0, bytes = 0, touch = 0;
  RawPacket pkt;
  resetPeak();
  const double cpu0 = processCpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  while (source.next(pkt) == ReadStatus::Packet) {
    ++packets;
    bytes += pkt.wirelen;
    touch += pkt.caplen ? pkt.data[0] + pkt.data[pkt.caplen - 1] : 0;
  }
  double secs = seconds(t0);
  report("read", 1, packets, bytes, secs, processCpuSeconds() - cpu0, peakRssKb(), source.fileBytes());
  return touch == 42 ? 1 : 0;  // keeps the touches from being optimised away
}

int decodeMode(const std::string& path, int workers, int replays) {
  bench::MemorySource source(path, replays);
  // The same limits `mamori run` has by default (reassembly depth included).
  const Config defaults;
  Worker::Config wc = defaults.worker;
  wc.flows.memcap_bytes = defaults.flow_memcap / workers;
  std::vector<std::unique_ptr<NullRecords>> sinks;
  std::vector<std::unique_ptr<Worker>> owned;
  std::vector<Worker*> ws;
  for (int i = 0; i < workers; ++i) {
    sinks.push_back(std::make_unique<NullRecords>());
    owned.push_back(std::make_unique<Worker>(i, wc, *sinks.back()));
    ws.push_back(owned.back().get());
  }
  CaptureEngine engine(source, ws);
  resetPeak();
  const double cpu0 = processCpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  engine.run();
  double secs = seconds(t0);
  report("decode", workers, engine.packetsRead(), engine.bytesRead(), secs, processCpuSeconds() - cpu0, peakRssKb(),
         source.fileBytes());
  uint64_t flows = 0, reassembled = 0, malformed = 0;
  for (auto* w : ws) {
    auto c = w->snapshot();
    flows += c.flows.created;
    reassembled += c.tcp.bytes_delivered;
    malformed += c.malformed;
  }
  fmt::print(stderr, "decode: {} flows, {} stream bytes reassembled, {} malformed\n", flows, reassembled, malformed);
  return 0;
}

struct LoadedRules {
  std::shared_ptr<const SignatureDatabase> db;
  size_t failed = 0;
};

// Parses and compiles the rules twice: cold (everything), then warm (the compiled
// databases cached, as a restart with unchanged rules does), and reports both times. With
// `kept_cache` the databases stay there for the next run, whose first load is then warm too.
LoadedRules loadRuleSet(const std::vector<std::string>& rules, const Config& config, const std::string& kept_cache) {
  std::vector<std::string> paths = rules.empty() ? std::vector<std::string>{defaultRulesPath()} : rules;
  const std::string cache_dir = kept_cache.empty() ? "/tmp/mamori-bench-cache-" + std::to_string(getpid()) : kept_cache;
  const bool first_cold = !std::filesystem::exists(cache_dir);
  LoadedRules out;
  double first = 0, warm = 0;
  for (double* t : {&first, &warm}) {
    auto started = std::chrono::steady_clock::now();
    BuiltSignatures built = buildSignatures(RuleSources{paths, {}}, config.ruleVariables(), cache_dir);
    out.db = built.database;
    out.failed = built.errors.size();
    *t = seconds(started);
  }
  if (kept_cache.empty()) std::filesystem::remove_all(cache_dir);
  fmt::print(stderr, "rules: {} loaded, {} failed; start {} {:.2f} s, warm (cached) {:.2f} s; resident after load {:.1f} MB\n",
             out.db->size(), out.failed, first_cold ? "cold" : "warm (kept cache)", first, warm, peakRssKb() / 1024.0);
  return out;
}

int fullMode(const std::string& path, int workers, int replays, const std::vector<std::string>& rules, bool app_layer,
             const std::string& config_path, const std::string& cache_dir) {
  bench::MemorySource source(path, replays);
  Config config;
  try {
    if (!config_path.empty()) config = Config::load(config_path);
  } catch (const ConfigError& e) {
    fmt::print(stderr, "pipeline_bench: configuration error: {}\n", e.what());
    return 1;
  }
  config.app_layer = app_layer;
  LoadedRules loaded = loadRuleSet(rules, config, cache_dir);
  RunOptions opt;
  opt.workers = workers;
  opt.eve = "/dev/null";
  opt.summary = false;
  resetPeak();
  const double cpu0 = processCpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  StartingRules starting;
  starting.signatures = loaded.db;
  starting.failed = loaded.failed;
  int rc = runPipelineOn(opt, config, std::move(starting), source, path);
  double secs = seconds(t0);
  report("full", workers, source.packetsPerReplay() * replays, source.wireBytesPerReplay() * replays, secs,
         processCpuSeconds() - cpu0, peakRssKb(), source.fileBytes());
  return rc;
}

// Records what the pipeline scans, with the database it scans it with: each packet's
// payload against its packet group, and the reassembled stream (within the reassembly
// depth) against the stream group. Groups depend on the flow's direction, so the
// packets go through a worker.
struct PayloadRecorder final : FlowObserver {
  struct Payload {
    std::string bytes;
    const hs_database_t* db;
  };
  explicit PayloadRecorder(const SignatureDatabase& db) : db(db) {}
  void onPacket(const DecodedPacket& pkt, Flow&, Direction dir) override {
    const bool to_server = dir == Direction::ToServer;
    const uint8_t src = db.addressClass(pkt.src), dst = db.addressClass(pkt.dst);
    stream_db = db.candidatesFor(true, pkt, to_server, src, dst).patterns;
    const hs_database_t* packet_db = db.candidatesFor(false, pkt, to_server, src, dst).patterns;
    if (pkt.payload_len && packet_db) add(pkt.payload, pkt.payload_len, packet_db);
  }
  void onStreamData(Flow&, Direction, const uint8_t* data, size_t len, uint64_t) override {
    if (stream_db) add(data, len, stream_db);
  }
  void add(const uint8_t* data, size_t len, const hs_database_t* with) {
    payloads.push_back({std::string(reinterpret_cast<const char*>(data), len), with});
  }
  const SignatureDatabase& db;
  const hs_database_t* stream_db = nullptr;  // the current packet's
  std::vector<Payload> payloads;
};

// The ceiling for detection: the same rule set's pattern databases block-scanned over the
// same bytes the pipeline scans, with nothing else: no decode, no flows, no verification.
int ceilingMode(const std::string& path, int replays, const std::vector<std::string>& rules) {
  bench::MemorySource source(path, 1);
  LoadedRules loaded = loadRuleSet(rules, Config{}, "");
  NullRecords records;
  Worker worker(0, Config{}.worker, records);
  PayloadRecorder recorder(*loaded.db);
  worker.addObserver(&recorder);
  CaptureEngine engine(source, {&worker});
  engine.run();
  hs_scratch_t* scratch = nullptr;
  for (bool stream : {false, true}) {
    for (const auto* db : loaded.db->groups(stream).databases()) hs_alloc_scratch(db, &scratch);
  }
  uint64_t matches = 0;
  auto count = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
    ++*static_cast<uint64_t*>(ctx);
    return 0;
  };
  const double cpu0 = processCpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < replays; ++r) {
    for (const auto& p : recorder.payloads) {
      hs_scan(p.db, p.bytes.data(), static_cast<unsigned>(p.bytes.size()), 0, scratch, count, &matches);
    }
  }
  double secs = seconds(t0);
  hs_free_scratch(scratch);
  report("ceiling", 1, source.packetsPerReplay() * replays, source.wireBytesPerReplay() * replays, secs,
         processCpuSeconds() - cpu0, peakRssKb(), source.fileBytes());
  fmt::print(stderr, "ceiling: {} buffers per replay, {} pattern matches in all\n", recorder.payloads.size(), matches);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mamori pipeline benchmark"};
  std::string pcap, mode = "decode";
  int workers = 1, replays = 10;
  std::vector<std::string> rules;
  app.add_option("--pcap", pcap)->required();
  app.add_option("--mode", mode)->check(CLI::IsMember({"read", "decode", "full", "ceiling"}));
  app.add_option("--workers", workers)->check(CLI::Range(1, 64));
  app.add_option("--replays", replays)->check(CLI::Range(1, 1000));
  app.add_option("--rules", rules, "full mode: rule files or folders (default: the default rules)");
  bool no_app_layer = false;
  app.add_flag("--no-app-layer", no_app_layer, "full mode: without nDPI identification and the app-layer parsers");
  std::string config, cache_dir;
  app.add_option("--config", config, "full mode: a mamori.yaml to run with (e.g. a central section)");
  app.add_option("--cache-dir", cache_dir, "full mode: keep the compiled rules here for the next run (default: not kept)");
  CLI11_PARSE(app, argc, argv);
  if (mode == "read") return readMode(pcap, replays);
  if (mode == "decode") return decodeMode(pcap, workers, replays);
  if (mode == "ceiling") return ceilingMode(pcap, replays, rules);
  return fullMode(pcap, workers, replays, rules, !no_app_layer, config, cache_dir);
}
