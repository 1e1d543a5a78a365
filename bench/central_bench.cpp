// The GSOC central's ingest rate: a CentralServer in this process (a temporary store and
// merged EVE file, its cross-sensor correlation rules or --rules) fed by several real
// CentralUplinks (the sensor's own spool on disk, CURVE link over loopback), each
// publishing --records records taken from a sensor's EVE file (its alert and flow
// records, `host` rewritten to the uplink's sensor name, the file repeated with its
// timestamps shifted forward as bench/memory_source shifts a replayed capture).
//
//   central_bench --eve FILE [--records N] [--sensors S] [--rules PATH]
//
// Timed from the first publish to the last acknowledgement (CentralUplink::drain), once
// every uplink is linked. Prints one line: records stored per second, the wall time per
// record, and the central thread's CPU time per record (its store, EVE file, correlation
// and parsing; the CURVE decryption runs on libzmq's I/O thread and is not in it). The
// uplinks' and feeders' threads share the machine with the central's, as sensors on the
// same host would.
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "auth/curve_key.h"
#include "central/central_server.h"
#include "correlate/eve_time.h"
#include "uplink/central_uplink.h"

namespace {

using namespace mamori;
using Clock = std::chrono::steady_clock;

// One record of the source file with `host` rewritten; its timestamp is replaced in place
// (EVE's timestamps have one length) when it is published in a later pass over the file.
struct SourceRecord {
  EventKind kind;
  std::string json;
  size_t ts_at;  // offset of the timestamp's text in json
  TimeUs ts;
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
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    d.Accept(w);
    std::string json(buf.GetString(), buf.GetSize());
    const size_t at = json.find("\"timestamp\":\"") + 13;
    out.push_back(SourceRecord{*kind, std::move(json), at, *ts});
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

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"mamori central ingest benchmark"};
  std::string eve, rules = MAMORI_CENTRAL_CORRELATION_DIR;
  uint64_t records = 200'000;
  int sensors = 2;
  app.add_option("--eve", eve, "a sensor's EVE file: its alert and flow records are sent")->required();
  app.add_option("--records", records, "records each sensor sends")->check(CLI::Range(1, 100'000'000));
  app.add_option("--sensors", sensors, "sensors (uplinks) sending at once")->check(CLI::Range(1, 16));
  app.add_option("--rules", rules, "the central's correlation rules (default: its own; an empty folder: none)");
  CLI11_PARSE(app, argc, argv);

  const std::string dir =
      (std::filesystem::temp_directory_path() / ("mamori-central-bench-" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};

  CentralOptions options;
  options.name = "central-bench";
  options.listen = "tcp://127.0.0.1:*";
  options.bus = "";
  options.key = generateCurveKeyPair("central");
  options.store = dir + "/central.db";
  options.eve = dir + "/central-eve.json";
  options.stats_interval_s = 0;
  options.central_correlation_dir = rules;
  std::vector<CurveKeyPair> keys;
  std::vector<std::vector<SourceRecord>> sources;
  for (int i = 0; i < sensors; ++i) {
    const std::string name = fmt::format("sensor-{}", i + 1);
    keys.push_back(generateCurveKeyPair(name));
    options.sensors.push_back({name, keys.back().public_key});
    sources.push_back(loadRecords(eve, name));
    if (sources.back().empty()) {
      fmt::print(stderr, "central_bench: no alert or flow records in '{}'\n", eve);
      return 1;
    }
  }
  TimeUs first = sources[0][0].ts, last = first;
  for (const SourceRecord& r : sources[0]) {
    first = std::min(first, r.ts);
    last = std::max(last, r.ts);
  }
  const TimeUs shift = (last - first) + 3600LL * 1000000;

  CentralServer server(options);
  // Serves until main returns, however it returns; the uplinks, made later, stop first.
  struct Serving {
    CentralServer& server;
    std::thread thread;
    ~Serving() {
      server.stop();
      thread.join();
    }
  } serving{server, std::thread([&server] { server.run(); })};
  std::vector<std::unique_ptr<CentralUplink>> uplinks;
  for (int i = 0; i < sensors; ++i) {
    CentralUplinkOptions link;
    link.endpoint = server.endpoint();
    link.server_key = options.key.public_key;
    link.key = keys[i];
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

  const double cpu0 = threadCpuSeconds(serving.thread);
  const auto t0 = Clock::now();
  std::vector<std::thread> feeders;
  std::vector<char> drained(sensors, 0);
  for (int i = 0; i < sensors; ++i) {
    feeders.emplace_back([&, i] {
      const std::vector<SourceRecord>& source = sources[i];
      CentralUplink& uplink = *uplinks[i];
      std::string json;
      for (uint64_t n = 0; n < records; ++n) {
        const SourceRecord& r = source[n % source.size()];
        const uint64_t pass = n / source.size();
        json = r.json;
        if (pass) {
          const std::string ts = formatEveTime(r.ts + TimeUs(pass) * shift);
          json.replace(r.ts_at, ts.size(), ts);
        }
        uplink.publish(r.kind, json);
      }
      uplink.flush();
      drained[i] = uplink.drain(std::chrono::minutes(5));
    });
  }
  for (auto& f : feeders) f.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = threadCpuSeconds(serving.thread) - cpu0;

  const CentralCounters c = server.counters();
  uint64_t dropped = 0;
  for (auto& u : uplinks) dropped += u->counters().dropped;

  const uint64_t expected = records * sensors;
  bool all_drained = true;
  for (char d : drained) all_drained = all_drained && d;
  if (!all_drained || c.records != expected || dropped) {
    fmt::print(stderr, "central_bench: the central stored {} of {} records ({} refused, {} dropped by the uplinks{})\n",
               c.records, expected, c.refused_records, dropped, all_drained ? "" : ", not all acknowledged in time");
    return 1;
  }
  fmt::print("sensors={} records={} correlation={} seconds={:.3f} records_per_s={:.0f} us_per_record={:.2f} "
             "central_cpu_us_per_record={:.2f} batches={} incidents={}\n",
             sensors, expected, std::filesystem::is_empty(rules) ? "off" : "on", secs, expected / secs,
             secs * 1e6 / expected, cpu * 1e6 / expected, c.batches, c.incidents);
  return 0;
} catch (const std::exception& e) {
  fmt::print(stderr, "central_bench: {}\n", e.what());
  return 1;
}
