#pragma once
// ConsoleServer: the analysts' console over HTTPS (plain HTTP on loopback only): the page's
// static files, the JSON API of docs/console-api.md over a ConsoleState, and its live
// events as Server-Sent Events. cpp-httplib (Debian's libcpp-httplib) does HTTP and TLS.
//
// Who asks: a session cookie (signed in with a password from the accounts file) or an API
// token (Authorization: Bearer). Sign-in is rate limited per address and per user; state
// changes made with a cookie need the session's CSRF token in X-CSRF-Token; a viewer may
// read, an analyst may also act. Every refusal is counted (metrics()).
//
// Threads: a pool of its own serves requests (a live page holds one for as long as it is
// open, hence the bound on streams); a ticker pushes sensor rates every 2 s. The store
// connection (triage, actions, push history) is the console's own, behind one mutex.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "alerting/metrics_exporter.h"
#include "console/console_options.h"
#include "console/console_state.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace mamori {

class ConsoleServer {
 public:
  // Loads the store's incidents and triage into `state`, reads the accounts, binds.
  // Throws std::runtime_error naming the setting (ui.listen, ui.tls-cert, ...) that is wrong.
  ConsoleServer(ConsoleOptions options, ConsoleState& state);
  ~ConsoleServer();
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  // "https://127.0.0.1:8443/" (the port the system gave for port 0).
  std::string url() const;
  // Stops serving: open streams end, requests in flight finish.
  void stop();

  struct Counters {
    uint64_t requests = 0, unauthenticated = 0, forbidden = 0, csrf_refused = 0, sign_ins = 0,
             sign_in_failures = 0, sign_in_throttled = 0, streams_refused = 0, actions = 0,
             alerts_skipped = 0;  // live alerts pages were not sent (over their AlertBudget)
  };
  Counters counters() const;
  size_t openStreams() const { return streams_.load(); }
  std::vector<MetricSample> metrics() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<size_t> streams_{0};
};

}  // namespace mamori
