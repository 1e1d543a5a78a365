#pragma once
// A GSOC on one machine for the central's integration tests: key pairs made by
// `mamori keys generate`, a `mamori central` process of the test's own (started, killed,
// restarted), and sensor configurations that report to it. Real processes, real CURVE
// sockets on loopback, the test's own folder.
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace mamori::test {

class GsocLab {
 public:
  // `dir` is the test's folder; ports are picked from the test process's id.
  explicit GsocLab(const std::string& dir);
  ~GsocLab();  // kills the central
  GsocLab(const GsocLab&) = delete;
  GsocLab& operator=(const GsocLab&) = delete;

  // Runs the central, sensors and rule commands inside a network namespace (`ip netns exec
  // NAME`), where veth pairs feed live sensors.
  void inNamespace(const std::string& name) { prefix_ = "ip netns exec " + name + " "; }
  const std::string& prefix() const { return prefix_; }

  // DIR/keys/NAME.key and .pub, made once by `mamori keys generate`; returns the .key path.
  std::string key(const std::string& name);
  std::string publicKey(const std::string& name) { key(name); return dir_ + "/keys/" + name + ".pub"; }

  // Writes central.yaml: the listed sensors, authors and subscribers (keys made as needed),
  // and `extra` YAML appended (vars, correlate, ...).
  void configureCentral(const std::vector<std::string>& sensors, const std::vector<std::string>& authors = {},
                        const std::vector<std::string>& subscribers = {}, const std::string& extra = "");
  // Starts `mamori central` (log: DIR/central.log, appended) and waits until it listens;
  // false when it did not come up within 20 s.
  bool startCentral();
  void killCentral(int signal = 9);  // and reaps it
  bool centralRunning() const { return central_pid_ > 0; }

  // DIR/NAME.yaml: sensor.name NAME, reporting to the central with key NAME, its spool and
  // pushed-rules folders under DIR/NAME/, drain-timeout 20 s unless `central_extra` (keys
  // of the central section, indented two spaces) sets it, and `top_extra` top-level YAML.
  std::string sensorConfig(const std::string& name, const std::string& central_extra = "",
                           const std::string& top_extra = "");
  // `mamori run --pcap PCAP --config DIR/NAME.yaml --eve EVE ARGS` (EVE: DIR/NAME/eve.json
  // unless given); its exit code.
  int runSensor(const std::string& name, const std::string& pcap, const std::string& args = "",
                std::string* log = nullptr, const std::string& eve = "");

  std::string endpoint() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::string busEndpoint() const { return "tcp://127.0.0.1:" + std::to_string(port_ + 1); }
  int metricsPort() const { return port_ + 2; }
  std::string metrics() const;  // the central's /metrics text
  std::string centralEve() const { return dir_ + "/central-eve.json"; }
  std::string centralStore() const { return dir_ + "/central.db"; }
  std::string centralLog() const;
  std::string sensorEve(const std::string& name) const { return dir_ + "/" + name + "/eve.json"; }
  const std::string& dir() const { return dir_; }

  // `mamori rules push|status|rollback` as author NAME against this central; output in `out`.
  int rules(const std::string& author, const std::string& args, std::string* out = nullptr);
  // Polls `rules status` as `author` until every one of `sensors` shows connected; false
  // after `seconds`.
  bool waitConnected(const std::string& author, const std::vector<std::string>& sensors, int seconds = 30);

 private:
  std::string dir_;
  int port_ = 0;
  pid_t central_pid_ = -1;
  std::string prefix_;
  std::map<std::string, bool> keys_;
};

// Counts of a file's EVE records by (host, event_type).
std::map<std::pair<std::string, std::string>, size_t> eveCounts(const std::string& path);
// A file's EVE lines of `host` whose event_type is in `types`, as they are written.
std::vector<std::string> eveLines(const std::string& path, const std::string& host, const std::vector<std::string>& types);

}  // namespace mamori::test
