#include "apps/ui_command.h"

#include <chrono>
#include <csignal>
#include <thread>

#include <fmt/format.h>

#include "apps/console_host.h"
#include "console/eve_follower.h"

namespace mamori {
namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void onUiStop(int) { g_stop = 1; }

}  // namespace

UiCommand::UiCommand(CLI::App& app) {
  command_ = app.add_subcommand("ui", "Serve the analysts' console over an incident store and an EVE file");
  command_->add_option("--store", options_.store, "Incident store (SQLite) of a sensor or central");
  command_->add_option("--eve", eve_, "EVE file to show and follow as it grows");
  command_->add_option("--listen", options_.listen, "HOST:PORT (plain HTTP only on loopback)")
      ->default_str(options_.listen);
  command_->add_option("--accounts", options_.accounts, "Accounts file (mamori ui users add)");
  command_->add_option("--tls-cert", options_.tls_cert, "PEM certificate: serve HTTPS");
  command_->add_option("--tls-key", options_.tls_key, "PEM key of the certificate");
  command_->add_option("--web", options_.web, "The page's files (default: the installed ones)");
  command_->add_option("--live-alerts-per-page", options_.live_alerts_per_s,
                       "Alerts a second each open page is sent live; it is told how many more came")
      ->default_str(std::to_string(options_.live_alerts_per_s))
      ->check(CLI::Range(1, 1000000));
  command_->add_option("--correlation", correlation_,
                       "Correlation rule files or folders the incidents' sensors ran besides the defaults");
  accounts_ = std::make_unique<UiAccountsCommand>(*command_);
}

int UiCommand::run() {
  if (accounts_->selected()) return accounts_->run();
  if (options_.store.empty()) {
    fmt::print(stderr, "mamori ui: give --store DB (the incident store to show)\n");
    return 1;
  }
  std::unique_ptr<ConsoleHost> host;
  std::unique_ptr<EveFollower> follower;
  try {
    host = std::make_unique<ConsoleHost>(options_, correlation_);
    if (!eve_.empty()) {
      follower = std::make_unique<EveFollower>(eve_, host->state());
      follower->start();
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: ui: {}\n", e.what());
    return 1;
  }
  struct sigaction sa {};
  sa.sa_handler = onUiStop;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  fmt::print(stderr, "mamori: console on {} (store {}{})\n", host->url(), options_.store,
             eve_.empty() ? "" : ", following " + eve_);
  // The signal may land on any of the server's threads: the flag is what every one sets.
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  if (follower) follower->stop();
  host->stop();
  return 0;
}

}  // namespace mamori
