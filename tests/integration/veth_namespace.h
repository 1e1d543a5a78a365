#pragma once
// A network namespace of the test's own with a veth pair in it (veth-feed -> veth-cap):
// tcpreplay writes into veth-feed, mamori captures on veth-cap. Removed at destruction.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "tests/support/test_support.h"

namespace mamori::test {

class VethNamespace {
 public:
  VethNamespace() : name_("mamori-veth-" + std::to_string(getpid())) {
    run("ip netns del " + name_ + " 2>/dev/null");
    ok_ = sh("ip netns add " + name_) && sh(exec("ip link set lo up")) &&
          // No IPv6 on the pair: router solicitations and DAD would add packets of their own.
          sh(exec("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1")) &&
          sh(exec("ip link add veth-cap type veth peer name veth-feed")) &&
          sh(exec("ip link set veth-cap mtu 9000")) && sh(exec("ip link set veth-feed mtu 9000")) &&
          sh(exec("ip link set veth-cap up")) && sh(exec("ip link set veth-feed up"));
  }
  ~VethNamespace() { run("ip netns del " + name_ + " 2>/dev/null"); }
  bool ok() const { return ok_; }
  std::string exec(const std::string& cmd) const { return "ip netns exec " + name_ + " " + cmd; }

  // Starts `mamori run --interface veth-cap ARGS --metrics 127.0.0.1:PORT` in the namespace,
  // output to `log`, and waits until /metrics answers (the capture handle is open by then).
  // Returns its pid, or -1 when it did not come up within 10 s.
  int startSensor(const std::string& args, const std::string& log, int metrics_port) const {
    std::string cmd = exec(mamoriBinary() + " run --interface veth-cap --metrics 127.0.0.1:" +
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
