#include "tests/integration/gsoc_lab.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <rapidjson/document.h>

#include "tests/support/test_support.h"

namespace mamori::test {

GsocLab::GsocLab(const std::string& dir) : dir_(dir), port_(23000 + (getpid() % 700) * 4) {
  std::filesystem::create_directories(dir_ + "/keys");
}

GsocLab::~GsocLab() { killCentral(); }

std::string GsocLab::key(const std::string& name) {
  const std::string path = dir_ + "/keys/" + name + ".key";
  if (!keys_[name]) {
    run(mamoriBinary() + " keys generate --out '" + dir_ + "/keys' --name '" + name + "' >/dev/null");
    keys_[name] = true;
  }
  return path;
}

void GsocLab::configureCentral(const std::vector<std::string>& sensors, const std::vector<std::string>& authors,
                               const std::vector<std::string>& subscribers, const std::string& extra) {
  key("central");
  std::ofstream out(dir_ + "/central.yaml");
  out << "central:\n  name: central-1\n  listen: " << endpoint() << "\n  key: keys/central.key\n  bus: "
      << busEndpoint() << "\n  store: central.db\n  eve: central-eve.json\n  metrics: 127.0.0.1:" << metricsPort()
      << "\n  stats-interval: 0\n  rule-cache-dir: cache\n";
  auto list = [&](const char* name, const std::vector<std::string>& peers) {
    if (peers.empty()) return;
    out << name << ":\n";
    for (const auto& p : peers) out << "  - name: " << p << "\n    key: " << publicKey(p) << "\n";
  };
  list("sensors", sensors);
  list("authors", authors);
  list("subscribers", subscribers);
  out << extra;
}

bool GsocLab::startCentral() {
  const std::string log = dir_ + "/central.log";
  std::vector<std::string> args{mamoriBinary(), "central", "--config", dir_ + "/central.yaml"};
  if (!prefix_.empty()) {
    // `ip netns exec` execs the command: the pid stays the central's.
    args = {"/bin/sh", "-c", "exec " + prefix_ + mamoriBinary() + " central --config '" + dir_ + "/central.yaml'"};
  }
  central_pid_ = spawnLogged(args, log, true);
  if (central_pid_ < 0) return false;
  for (int i = 0; i < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    int status;
    if (waitpid(central_pid_, &status, WNOHANG) == central_pid_) {
      central_pid_ = -1;
      return false;
    }
    if (run(prefix_ + "curl -sf http://127.0.0.1:" + std::to_string(metricsPort()) + "/metrics >/dev/null 2>&1").exit_code == 0) {
      return true;
    }
  }
  return false;
}

void GsocLab::killCentral(int signal) {
  if (central_pid_ <= 0) return;
  ::kill(central_pid_, signal);
  int status;
  waitpid(central_pid_, &status, 0);
  central_pid_ = -1;
}

std::string GsocLab::sensorConfig(const std::string& name, const std::string& central_extra,
                                  const std::string& top_extra) {
  key(name);
  key("central");
  std::filesystem::create_directories(dir_ + "/" + name);
  const std::string path = dir_ + "/" + name + ".yaml";
  std::ofstream out(path);
  out << "sensor:\n  name: " << name << "\ndetect:\n  cache-dir: " << dir_ << "/cache\ncentral:\n  endpoint: "
      << endpoint() << "\n  server-key: keys/central.pub\n  key: keys/" << name << ".key\n  spool-dir: " << name
      << "/spool\n  rules-dir: " << name << "/pushed-rules\n"
      << (central_extra.find("drain-timeout") == std::string::npos ? "  drain-timeout: 20\n" : "") << central_extra
      << top_extra;
  return path;
}

int GsocLab::runSensor(const std::string& name, const std::string& pcap, const std::string& args, std::string* log,
                       const std::string& eve) {
  const std::string log_path = dir_ + "/" + name + "/run.log";
  const auto r = run(prefix_ + mamoriBinary() + " run --pcap '" + pcap + "' --config '" + dir_ + "/" + name + ".yaml' --eve '" +
                     (eve.empty() ? sensorEve(name) : eve) + "' " + args + " >'" + log_path + "' 2>&1");
  if (log) *log = readFile(log_path);
  return r.exit_code;
}

std::string GsocLab::metrics() const {
  return run(prefix_ + "curl -sf http://127.0.0.1:" + std::to_string(metricsPort()) + "/metrics").out;
}

std::string GsocLab::centralLog() const { return readFile(dir_ + "/central.log"); }

int GsocLab::rules(const std::string& author, const std::string& args, std::string* out) {
  const auto r = run(prefix_ + mamoriBinary() + " rules " + args + " --central " + endpoint() + " --server-key '" +
                     publicKey("central") + "' --key '" + key(author) + "' 2>&1");
  if (out) *out = r.out;
  return r.exit_code;
}

bool GsocLab::waitConnected(const std::string& author, const std::vector<std::string>& sensors, int seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  do {
    std::string out;
    bool all = rules(author, "status --timeout 5", &out) == 0;
    for (const std::string& s : sensors) all = all && out.find("\n" + s + "  connected  ") != std::string::npos;
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

std::map<std::pair<std::string, std::string>, size_t> eveCounts(const std::string& path) {
  std::map<std::pair<std::string, std::string>, size_t> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError() || !d.IsObject()) continue;
    const auto str = [&](const char* k) {
      return d.HasMember(k) && d[k].IsString() ? std::string(d[k].GetString()) : std::string();
    };
    ++out[{str("host"), str("event_type")}];
  }
  return out;
}

std::vector<std::string> eveLines(const std::string& path, const std::string& host, const std::vector<std::string>& types) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("host") || !d["host"].IsString() ||
        !d.HasMember("event_type") || !d["event_type"].IsString()) {
      continue;
    }
    if (host != d["host"].GetString()) continue;
    for (const auto& t : types) {
      if (t == d["event_type"].GetString()) out.push_back(line);
    }
  }
  return out;
}

}  // namespace mamori::test
