#pragma once
// Starts the analysts' console wherever mamori serves it: `mamori run --ui` (one sensor),
// `mamori central` (its `ui` section) and `mamori ui` (over a store and an EVE file). Fills
// the defaults (the installed page), explains incidents with the correlation rules that
// raise them (the defaults, the central's, and `correlation`), loads the store and binds.
// On a central, attach() feeds it what the central stores and its sensors' links.
#include <memory>
#include <string>
#include <vector>

#include "console/console_feed.h"
#include "console/console_server.h"
#include "console/console_state.h"

namespace mamori {

class CentralServer;

class ConsoleHost {
 public:
  // Throws std::runtime_error naming the setting that is wrong.
  ConsoleHost(ConsoleOptions options, const std::vector<std::string>& correlation);
  ~ConsoleHost();

  // Serves `central`: what it stores and raises (its live output: call before
  // central.run()) and what it knows of its sensors' links. `central` outlives this host.
  void attach(CentralServer& central);

  ConsoleState& state() { return *state_; }
  // Where the central or the pipeline hands records: a bounded ring to the console's own
  // thread (ConsoleFeed), so neither waits for the console.
  EventOutput& feed() { return *feed_; }
  // The server's metrics and the records the feed dropped.
  std::vector<MetricSample> metrics() const;
  std::string url() const { return server_->url(); }
  const ConsoleServer& server() const { return *server_; }
  void stop() { server_->stop(); }

 private:
  std::unique_ptr<ConsoleState> state_;
  std::unique_ptr<ConsoleServer> server_;
  std::unique_ptr<ConsoleFeed> feed_;  // before the state it feeds in destruction
};

}  // namespace mamori
