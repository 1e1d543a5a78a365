#include "apps/central_command.h"

#include <csignal>

#include <fmt/format.h>

#include "alerting/metrics_exporter.h"
#include "apps/central_config.h"
#include "apps/config.h"
#include "apps/console_host.h"
#include "central/central_server.h"

namespace mamori {

namespace {

std::atomic<CentralServer*> g_central{nullptr};

extern "C" void onCentralStop(int) {
  if (CentralServer* c = g_central.load()) c->stop();
}

}  // namespace

CentralCommand::CentralCommand(CLI::App& app) {
  command_ = app.add_subcommand("central", "Run the GSOC central: sensors report to it, rule authors push through it");
  command_->add_option("--config", config_, "central.yaml")->required();
  command_->add_flag("--check", check_, "Check the configuration and the keys it names, then exit");
}

int CentralCommand::run() const {
  CentralOptions options;
  std::optional<ConsoleOptions> ui;
  try {
    options = loadCentralConfig(config_, &ui);
  } catch (const ConfigError& e) {
    fmt::print(stderr, "mamori: configuration error: {}\n", e.what());
    return 1;
  }
  if (check_) {
    fmt::print("central '{}': listen {}, bus {}, store {}, {} sensor(s), {} author(s), {} subscriber(s): configuration ok\n",
               options.name, options.listen, options.bus.empty() ? "none" : options.bus, options.store,
               options.sensors.size(), options.authors.size(), options.subscribers.size());
    return 0;
  }
  std::unique_ptr<CentralServer> central;
  std::unique_ptr<MetricsExporter> metrics;
  std::unique_ptr<ConsoleHost> console;
  try {
    central = std::make_unique<CentralServer>(options);
    if (ui) {
      ui->store = options.store;
      ui->central = true;
      console = std::make_unique<ConsoleHost>(*ui, options.correlation);
      console->attach(*central);
    }
    if (!options.metrics.empty()) {
      metrics = std::make_unique<MetricsExporter>(options.metrics, [&central, &console] {
        auto samples = central->metrics();
        if (console) {
          auto more = console->metrics();
          samples.insert(samples.end(), more.begin(), more.end());
        }
        return samples;
      });
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "mamori: central: {}\n", e.what());
    return 1;
  }
  fmt::print(stderr, "mamori: central '{}' listening on {} for {} sensor(s) and {} author(s){}{}{}\n", options.name,
             central->endpoint(), options.sensors.size(), options.authors.size(),
             options.bus.empty() ? "" : ", bus on " + central->busEndpoint(),
             metrics ? fmt::format(", metrics on port {}", metrics->port()) : "",
             console ? ", console on " + console->url() : "");
  g_central.store(central.get());
  struct sigaction sa {};
  sa.sa_handler = onCentralStop;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  central->run();
  g_central.store(nullptr);
  if (console) console->stop();
  fmt::print(stderr, "mamori: central stopped\n");
  return 0;
}

}  // namespace mamori
