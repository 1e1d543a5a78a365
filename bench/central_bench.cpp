// The GSOC central's ingest rate: a CentralServer in this process (a temporary store and
// merged EVE file, its cross-sensor correlation rules or --rules) fed by several real
// CentralUplinks (the sensor's own spool on disk, CURVE link over loopback), each
// publishing --records records taken from a sensor's EVE file (its alert and flow
// records, `host` rewritten to the uplink's sensor name, the file repeated with its
// timestamps shifted forward as bench/memory_source shifts a replayed capture, and its
// flows given new ids each time).
//
//   central_bench --eve FILE [--records N] [--sensors S] [--rules PATH]
//                 [--console-clients C [--rounds R]]
//
// Timed from the first publish to the last acknowledgement (CentralUplink::drain), once
// every uplink is linked. Prints one line: records stored per second, the wall time per
// record, and the central thread's CPU time per record (its store, EVE file, correlation
// and parsing; the CURVE decryption runs on libzmq's I/O thread and is not in it). The
// uplinks' and feeders' threads share the machine with the central's, as sensors on the
// same host would.
//
// With --console-clients C: what the analysts' console costs the central (issue 12). R
// rounds of three runs: the central alone; serving the console as `mamori central` with a
// `ui` section does (ConsoleHost::attach) with no page open; and with C live pages open, C
// streams of GET /api/events over loopback HTTP with an API token (bench/console_clients.h),
// open before the timing starts. Each round starts with the next of the three. Once fed,
// the central waits (untimed) until every page was sent every event. A line per run, then
// the medians, the medians of the ratios within a round, and what each page was sent. The pages' threads and the console's share the
// machine with the central too, as a console served by the central's host does (a browser
// would read them from another machine).
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "apps/console_host.h"
#include "auth/curve_key.h"
#include "bench/console_clients.h"
#include "central/central_server.h"
#include "console/account_file.h"
#include "correlate/eve_time.h"
#include "uplink/central_uplink.h"

namespace {

using namespace mamori;
using bench::ConsoleClients;
using Clock = std::chrono::steady_clock;

// A flow's id in pass `pass` over the file: a replayed capture's flows are new flows, with
// ids of their own (one flow holding every pass's records would be no real traffic). Always
// 16 digits, so that it is replaced in place, and below 2^53, as the sensor's ids are.
uint64_t flowIdInPass(uint64_t id, uint64_t pass) {
  constexpr uint64_t kBase = 1'000'000'000'000'000, kSpan = 8'000'000'000'000'000;
  return kBase + (id + pass * 0x9e3779b97f4a7c1ULL) % kSpan;
}

// One record of the source file with `host` rewritten; its timestamp and flow id are
// replaced in place (EVE's timestamps have one length, flowIdInPass's ids too) when it is
// published in a later pass over the file.
struct SourceRecord {
  EventKind kind;
  std::string json;
  size_t ts_at;  // offset of the timestamp's text in json
  TimeUs ts;
  size_t flow_at;  // offset of the flow id's digits in json; npos: none
  uint64_t flow_id;

  std::string inPass(uint64_t pass, TimeUs shift) const {
    std::string out = json;
    if (pass) {
      const std::string t = formatEveTime(ts + TimeUs(pass) * shift);
      out.replace(ts_at, t.size(), t);
      if (flow_at != std::string::npos) out.replace(flow_at, 16, std::to_string(flowIdInPass(flow_id, pass)));
    }
    return out;
  }
};

// The file's alert and flow records as `sensor` would have sent them.
std::vector<SourceRecord> loadRecords(const std::string& path, const std::string& sensor) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  std::vector<SourceRecord> out;
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("event_type") || !d["event_type"].IsString() ||
        !d.HasMember("timestamp") || !d["timestamp"].IsString()) {
      continue;
    }
    const auto kind = eventKindFromName(d["event_type"].GetString());
    if (kind != EventKind::Alert && kind != EventKind::Flow) continue;
    const auto ts = parseEveTime(d["timestamp"].GetString());
    if (!ts || formatEveTime(*ts).size() != d["timestamp"].GetStringLength()) continue;
    rapidjson::Value host(sensor.c_str(), d.GetAllocator());
    if (d.HasMember("host")) {
      d["host"] = host;
    } else {
      d.AddMember("host", host, d.GetAllocator());
    }
    const bool has_flow = d.HasMember("flow_id") && d["flow_id"].IsUint64();
    const uint64_t flow_id = has_flow ? d["flow_id"].GetUint64() : 0;
    if (has_flow) d["flow_id"].SetUint64(flowIdInPass(flow_id, 0));
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    d.Accept(w);
    std::string json(buf.GetString(), buf.GetSize());
    const size_t at = json.find("\"timestamp\":\"") + 13;
    const size_t flow_at = has_flow ? json.find("\"flow_id\":") + 10 : std::string::npos;
    out.push_back(SourceRecord{*kind, std::move(json), at, *ts, flow_at, flow_id});
  }
  return out;
}

// CPU time a thread has used, in seconds.
double threadCpuSeconds(std::thread& thread) {
  clockid_t id;
  timespec t{};
  if (pthread_getcpuclockid(thread.native_handle(), &id) != 0 || clock_gettime(id, &t) != 0) return 0;
  return t.tv_sec + t.tv_nsec / 1e9;
}

// What every run shares: the central's settings (each run gives it a store and EVE file of
// its own), the sensors' keys and the records each sends.
struct Bench {
  CentralOptions options;
  std::vector<CurveKeyPair> keys;
  std::vector<std::vector<SourceRecord>> sources;
  TimeUs shift = 0;  // a pass over the file later in packet time than the one before
  uint64_t records = 0;
};

struct Run {
  double seconds = 0, central_cpu_seconds = 0;
  CentralCounters counters;
  uint64_t events_pushed = 0;                  // by the console while the pages were open
  std::vector<ConsoleClients::Counts> clients;  // what each page was sent
};

// One central in `dir` fed by the bench's sensors; with `pages`, serving the console with
// that many live pages open (0: none).
Run measure(const Bench& bench, const std::string& dir, std::optional<int> pages) {
  std::filesystem::create_directories(dir);
  CentralOptions options = bench.options;
  options.store = dir + "/central.db";
  options.eve = dir + "/central-eve.json";
  const size_t sensors = bench.sources.size();
  const int clients = pages.value_or(0);

  CentralServer server(options);
  std::unique_ptr<ConsoleHost> console;
  std::string token;
  if (pages) {
    AccountFile accounts = AccountFile::load(dir + "/accounts");
    token = accounts.addToken("bench", Role::Viewer);
    accounts.save();
    ConsoleOptions ui;
    ui.listen = "127.0.0.1:0";
    ui.accounts = accounts.path();
    ui.store = options.store;
    ui.central = true;
    console = std::make_unique<ConsoleHost>(ui, options.correlation);
    console->attach(server);
  }
  // Serves until this returns, however it returns; the pages and the uplinks, made later,
  // stop first.
  struct Serving {
    CentralServer& server;
    std::thread thread;
    ~Serving() {
      server.stop();
      thread.join();
    }
  } serving{server, std::thread([&server] {
                pthread_setname_np(pthread_self(), "central");
                server.run();
              })};
  // The pages' streams end when the console stops.
  struct Open {
    ConsoleHost* console;
    std::unique_ptr<ConsoleClients> clients;
    ~Open() {
      if (console) console->stop();
    }
  } open{console.get(), nullptr};
  if (clients) {
    open.clients = std::make_unique<ConsoleClients>(console->url(), token, clients);
    if (!open.clients->waitOpen(std::chrono::seconds(20))) {
      console->stop();
      open.clients->join();
      const std::string why = open.clients->failure();
      throw std::runtime_error(why.empty() ? "the console's live streams did not open in 20 s" : "live " + why);
    }
  }
  std::vector<std::unique_ptr<CentralUplink>> uplinks;
  for (size_t i = 0; i < sensors; ++i) {
    CentralUplinkOptions link;
    link.endpoint = server.endpoint();
    link.server_key = options.key.public_key;
    link.key = bench.keys[i];
    link.sensor = options.sensors[i].name;
    link.spool.dir = fmt::format("{}/spool-{}", dir, i + 1);
    link.records = {EventKind::Alert, EventKind::Flow};
    uplinks.push_back(std::make_unique<CentralUplink>(link, [](RuleSetPackage) {}));
    uplinks.back()->start();
  }
  const auto link_deadline = Clock::now() + std::chrono::seconds(20);
  for (auto& u : uplinks) {
    while (!u->counters().connected && Clock::now() < link_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!u->counters().connected) throw std::runtime_error("a sensor's link to the central did not come up in 20 s");
  }

  // Where the pages stand before the timing: what they are sent from here on was pushed
  // after `head` (the console's sensors ticker may push while this reads).
  uint64_t head = 0;
  std::vector<ConsoleClients::Counts> before(clients);
  if (clients) {
    do {
      head = console->state().events().head();
      for (int k = 0; k < clients; ++k) before[k] = open.clients->counts(k);
    } while (head != console->state().events().head());
  }

  const double cpu0 = threadCpuSeconds(serving.thread);
  const auto t0 = Clock::now();
  std::vector<std::thread> feeders;
  std::vector<char> drained(sensors, 0);
  for (size_t i = 0; i < sensors; ++i) {
    feeders.emplace_back([&, i] {
      pthread_setname_np(pthread_self(), "feeder");
      const std::vector<SourceRecord>& source = bench.sources[i];
      CentralUplink& uplink = *uplinks[i];
      for (uint64_t n = 0; n < bench.records; ++n) {
        const SourceRecord& r = source[n % source.size()];
        uplink.publish(r.kind, r.inPass(n / source.size(), bench.shift));
      }
      uplink.flush();
      drained[i] = uplink.drain(std::chrono::minutes(5));
    });
  }
  for (auto& f : feeders) f.join();
  Run run;
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  run.central_cpu_seconds = threadCpuSeconds(serving.thread) - cpu0;

  // The central counts a batch once it has acknowledged it and handed it to its live
  // outputs, so the last batch's count may come a moment after the uplink's drain.
  uint64_t dropped = 0;
  for (auto& u : uplinks) dropped += u->counters().dropped;
  const uint64_t expected = bench.records * sensors;
  const auto count_deadline = Clock::now() + std::chrono::seconds(10);
  while (server.counters().records < expected && Clock::now() < count_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  run.counters = server.counters();
  const bool all_drained = std::all_of(drained.begin(), drained.end(), [](char d) { return d != 0; });
  if (!all_drained || run.counters.records != expected || dropped) {
    throw std::runtime_error(fmt::format(
        "the central stored {} of {} records ({} refused, {} dropped by the uplinks{})", run.counters.records, expected,
        run.counters.refused_records, dropped, all_drained ? "" : ", not all acknowledged in time"));
  }
  if (!clients) return run;

  // Every event of the run is pushed by now (the central counts a batch after handing it to
  // the console), but not necessarily sent: each page is given time to be sent them all (a
  // page told to resync skipped some, and has been sent what it will be).
  run.events_pushed = console->state().events().head() - head;
  if (!run.events_pushed) throw std::runtime_error("the console pushed no live events (no alerts in the records?)");
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  auto sent = [&](int k) {
    const ConsoleClients::Counts c = open.clients->counts(k);
    return c.resyncs > before[k].resyncs ||
           c.events - before[k].events + c.skipped - before[k].skipped >= run.events_pushed;
  };
  for (int k = 0; k < clients; ++k) {
    while (!sent(k) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  console->stop();
  open.clients->join();
  if (const std::string why = open.clients->failure(); !why.empty()) throw std::runtime_error("live " + why);
  for (int k = 0; k < clients; ++k) {
    ConsoleClients::Counts c = open.clients->counts(k);
    c.bytes -= before[k].bytes;
    c.events -= before[k].events;
    c.alerts -= before[k].alerts;
    c.skipped -= before[k].skipped;
    c.incidents -= before[k].incidents;
    c.resyncs -= before[k].resyncs;
    if (c.resyncs == 0 && c.events + c.skipped < run.events_pushed) {
      throw std::runtime_error(fmt::format("live page {} of {} was sent {} and told of {} skipped of the {} events pushed",
                                           k + 1, clients, c.events, c.skipped, run.events_pushed));
    }
    run.clients.push_back(c);
  }
  return run;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"mamori central ingest benchmark"};
  std::string eve, rules = MAMORI_CENTRAL_CORRELATION_DIR;
  uint64_t records = 200'000;
  int sensors = 2, console_clients = 0, rounds = 3;
  app.add_option("--eve", eve, "a sensor's EVE file: its alert and flow records are sent")->required();
  app.add_option("--records", records, "records each sensor sends")->check(CLI::Range(1, 100'000'000));
  app.add_option("--sensors", sensors, "sensors (uplinks) sending at once")->check(CLI::Range(1, 16));
  app.add_option("--rules", rules, "the central's correlation rules (default: its own; an empty folder: none)");
  app.add_option("--console-clients", console_clients,
                 "also measure the central serving the console with this many live pages open")
      ->check(CLI::Range(1, 128));
  app.add_option("--rounds", rounds, "with --console-clients: runs of each way (alone, no page open, pages open)")
      ->check(CLI::Range(1, 20));
  CLI11_PARSE(app, argc, argv);

  const std::string dir =
      (std::filesystem::temp_directory_path() / ("mamori-central-bench-" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};

  Bench bench;
  bench.records = records;
  CentralOptions& options = bench.options;
  options.name = "central-bench";
  options.listen = "tcp://127.0.0.1:*";
  options.bus = "";
  options.key = generateCurveKeyPair("central");
  options.stats_interval_s = 0;
  options.central_correlation_dir = rules;
  for (int i = 0; i < sensors; ++i) {
    const std::string name = fmt::format("sensor-{}", i + 1);
    bench.keys.push_back(generateCurveKeyPair(name));
    options.sensors.push_back({name, bench.keys.back().public_key});
    bench.sources.push_back(loadRecords(eve, name));
    if (bench.sources.back().empty()) {
      fmt::print(stderr, "central_bench: no alert or flow records in '{}'\n", eve);
      return 1;
    }
  }
  TimeUs first = bench.sources[0][0].ts, last = first;
  for (const SourceRecord& r : bench.sources[0]) {
    first = std::min(first, r.ts);
    last = std::max(last, r.ts);
  }
  bench.shift = (last - first) + 3600LL * 1000000;

  const uint64_t expected = records * sensors;
  const char* correlation = std::filesystem::is_empty(rules) ? "off" : "on";
  auto print = [&](const Run& r, std::optional<int> pages) {
    fmt::print("sensors={} records={} correlation={} seconds={:.3f} records_per_s={:.0f} us_per_record={:.2f} "
               "central_cpu_us_per_record={:.2f} batches={} incidents={}",
               sensors, expected, correlation, r.seconds, expected / r.seconds, r.seconds * 1e6 / expected,
               r.central_cpu_seconds * 1e6 / expected, r.counters.batches, r.counters.incidents);
    if (console_clients) fmt::print(" console={} pages={}", pages ? "on" : "off", pages.value_or(0));
    if (pages.value_or(0)) {
      uint64_t least = UINT64_MAX, most = 0, bytes = 0, alerts = 0, skipped = 0, resyncs = 0;
      for (const auto& c : r.clients) {
        least = std::min(least, c.events);
        most = std::max(most, c.events);
        bytes += c.bytes;
        alerts += c.alerts;
        skipped += c.skipped;
        resyncs += c.resyncs;
      }
      fmt::print(" events_pushed={} events_per_page_min={} events_per_page_max={} alerts_per_page={:.0f} "
                 "alerts_skipped_per_page={:.0f} kb_per_page={:.0f} resyncs={}",
                 r.events_pushed, least, most, double(alerts) / *pages, double(skipped) / *pages,
                 bytes / 1024.0 / *pages, resyncs);
    }
    fmt::print("\n");
    std::fflush(stdout);
  };
  if (!console_clients) {
    print(measure(bench, dir + "/run", std::nullopt), std::nullopt);
    return 0;
  }

  // Three ways each round: the central alone, serving the console with no page open (what
  // keeping the console's state costs), and with the pages open (what they add). Each
  // round starts with the next of the three: a machine that gets busier or quieter during
  // the rounds favours none.
  const std::optional<int> ways[3] = {std::nullopt, 0, console_clients};
  std::vector<double> rate[3], cpu[3];
  std::vector<Run> served;
  for (int round = 0; round < rounds; ++round) {
    for (int k = 0; k < 3; ++k) {
      const int way = (round + k) % 3;
      const std::string run_dir = fmt::format("{}/run-{}-{}", dir, round + 1, way);
      const Run r = measure(bench, run_dir, ways[way]);
      std::filesystem::remove_all(run_dir);
      print(r, ways[way]);
      rate[way].push_back(expected / r.seconds);
      cpu[way].push_back(r.central_cpu_seconds * 1e6 / expected);
      if (way == 2) served.push_back(r);
    }
  }
  uint64_t least = UINT64_MAX, most = 0, pushed = 0, resyncs = 0, alerts = 0, skipped = 0;
  double mb = 0, seconds = 0;
  for (const Run& r : served) {
    pushed = std::max(pushed, r.events_pushed);
    seconds += r.seconds;
    for (const auto& c : r.clients) {
      least = std::min(least, c.events);
      most = std::max(most, c.events);
      mb = std::max(mb, c.bytes / 1e6);
      resyncs += c.resyncs;
      alerts += c.alerts;
      skipped += c.skipped;
    }
  }
  const double alone = median(rate[0]), idle = median(rate[1]), watched = median(rate[2]);
  // This machine's speed drifts while the bench runs (a shared VM's more than most): the
  // three ways are compared within each round, where they ran a few seconds apart, and the
  // medians of those ratios are what the aim is held to.
  std::vector<double> idle_share, watched_share, pages_share;
  for (int round = 0; round < rounds; ++round) {
    idle_share.push_back(rate[1][round] / rate[0][round]);
    watched_share.push_back(rate[2][round] / rate[0][round]);
    pages_share.push_back(rate[2][round] / rate[1][round]);
  }
  fmt::print("central ingest: {:.0f} records/s alone, {:.0f} serving the console with no page open, {:.0f} with {} "
             "live console clients (the medians of {} runs each)\n",
             alone, idle, watched, console_clients, rounds);
  fmt::print("within a round (the median of {} rounds): serving the console with no page open {:.1f}% of alone; with "
             "{} live clients {:.1f}% of alone, {:.1f}% of no page open\n",
             rounds, 100 * median(idle_share), console_clients, 100 * median(watched_share), 100 * median(pages_share));
  fmt::print("central thread CPU per record: {:.2f} us alone, {:.2f} us serving the console with no page open, {:.2f} "
             "us with {} pages\n",
             median(cpu[0]), median(cpu[1]), median(cpu[2]), console_clients);
  fmt::print("console: each page was sent {} to {} events a run (the console pushed up to {}), up to {:.1f} MB; {} "
             "resyncs; a page was sent {:.0f} alerts a second and told of {:.0f} more it was not sent (its "
             "live-alerts-per-page)\n",
             least, most, pushed, mb, resyncs, alerts / seconds / console_clients,
             skipped / seconds / console_clients);
  return 0;
} catch (const std::exception& e) {
  fmt::print(stderr, "central_bench: {}\n", e.what());
  return 1;
}
