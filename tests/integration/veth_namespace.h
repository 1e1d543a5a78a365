#pragma once
// A network namespace of the test's own with a veth pair in it (veth-feed -> veth-cap):
// tcpreplay writes into veth-feed, mamori captures on veth-cap. With `pairs` > 1, more
// pairs veth-feed2 -> veth-cap2, ... for more sensors on one machine. Removed at destruction.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "tests/support/test_support.h"

namespace mamori::test {

class VethNamespace {
 public:
  explicit VethNamespace(int pairs = 1) : name_("mamori-veth-" + std::to_string(getpid())) {
    run("ip netns del " + name_ + " 2>/dev/null");
    ok_ = sh("ip netns add " + name_) && sh(exec("ip link set lo up")) &&
          // No IPv6 on the pairs: router solicitations and DAD would add packets of their own.
          sh(exec("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"));
    for (int i = 1; ok_ && i <= pairs; ++i) {
      const std::string cap = capture(i), feed = feeder(i);
      ok_ = sh(exec("ip link add " + cap + " type veth peer name " + feed)) && sh(exec("ip link set " + cap + " mtu 9000")) &&
            sh(exec("ip link set " + feed + " mtu 9000")) && sh(exec("ip link set " + cap + " up")) &&
            sh(exec("ip link set " + feed + " up"));
    }
  }
  // The names of pair i (from 1): veth-cap / veth-feed, then veth-cap2 / veth-feed2, ...
  static std::string capture(int i) { return i == 1 ? "veth-cap" : "veth-cap" + std::to_string(i); }
  static std::string feeder(int i) { return i == 1 ? "veth-feed" : "veth-feed" + std::to_string(i); }
  const std::string& name() const { return name_; }
  ~VethNamespace() { run("ip netns del " + name_ + " 2>/dev/null"); }
  bool ok() const { return ok_; }
  std::string exec(const std::string& cmd) const { return "ip netns exec " + name_ + " " + cmd; }

  // Starts `mamori run --interface veth-cap(N) ARGS --metrics 127.0.0.1:PORT` in the namespace,
  // output to `log`, and waits until /metrics answers (the capture handle is open by then).
  // Returns its pid, or -1 when it did not come up within 10 s.
  int startSensor(const std::string& args, const std::string& log, int metrics_port, int pair = 1) const {
    std::string cmd = exec(mamoriBinary() + " run --interface " + capture(pair) + " --metrics 127.0.0.1:" +
                           std::to_string(metrics_port) + " " + args + " > '" + log + "' 2>&1 & echo $!");
    int pid = std::stoi(run(cmd).out);
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (run(exec("curl -sf " + metricsUrl(metrics_port) + " >/dev/null")).exit_code == 0) return pid;
    }
    run("kill -9 " + std::to_string(pid));
    return -1;
  }
  static std::string metricsUrl(int port) { return "http://127.0.0.1:" + std::to_string(port) + "/metrics"; }

  // SIGINT, then waits for the sensor to flush and exit.
  static void stopSensor(int pid) {
    run("kill -INT " + std::to_string(pid));
    for (int i = 0; i < 100 && run("kill -0 " + std::to_string(pid) + " 2>/dev/null").exit_code == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 private:
  static bool sh(const std::string& cmd) {
    auto r = run(cmd + " 2>&1");
    if (r.exit_code != 0) std::fprintf(stderr, "failed: %s: %s\n", cmd.c_str(), r.out.c_str());
    return r.exit_code == 0;
  }
  std::string name_;
  bool ok_ = false;
};

// Live tests need root for namespaces and capture: they fail under CI without it.
#define MAMORI_REQUIRE_ROOT()                                       \
  do {                                                              \
    if (geteuid() != 0) {                                           \
      if (std::getenv("CI")) FAIL() << "live capture needs root";   \
      GTEST_SKIP() << "live capture needs root";                    \
    }                                                               \
  } while (0)

}  // namespace mamori::test
