// mamori: one binary, subcommands `run`, `rules check|push|status|rollback`, `tail`, `incidents list|show`,
// `central`, `keys generate`, `ui` (with `ui users|tokens`).
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "apps/central_command.h"
#include "apps/incidents_command.h"
#include "apps/keys_command.h"
#include "apps/pipeline.h"
#include "apps/rules_check.h"
#include "apps/rules_push_command.h"
#include "apps/tail_command.h"
#include "apps/ui_command.h"

int main(int argc, char** argv) {
  CLI::App app{"mamori: network security monitoring — capture, detect, correlate, alert"};
  app.require_subcommand(1);

  mamori::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run the pipeline on a capture file or a live interface");
  auto* pcap = run_cmd->add_option("--pcap", run.pcap, "Capture file (pcap or pcapng)");
  auto* iface = run_cmd->add_option("--interface,-i", run.interface, "Live interface to capture on");
  pcap->excludes(iface);
  run_cmd->add_option("--rules", run.rules, "Rule file or folder of .rules files (repeatable; default: the built-in rules)");
  run_cmd->add_option("--config", run.config, "mamori.yaml");
  run_cmd->add_option("--correlation", run.correlation,
                      "Correlation rule file or folder of .yaml files, besides the default ones (repeatable)");
  run_cmd->add_option("--store", run.store,
                      "Incident store (SQLite) to resume and write (default: correlate.store for --interface, none for --pcap)");
  run_cmd->add_option("--workers", run.workers, "Worker threads (default: one per CPU)")->check(CLI::Range(1, 256));
  run_cmd->add_option("--eve", run.eve, "EVE JSON output: a file, or - for stdout");
  run_cmd->add_option("--bus", run.bus, "ZeroMQ endpoint to publish on, e.g. tcp://127.0.0.1:5556 (beyond loopback only with bus.key in the config)");
  run_cmd->add_option("--metrics", run.metrics, "Serve Prometheus metrics on HOST:PORT (PORT alone: loopback)");
  run_cmd->add_option("--central", run.central,
                      "Also send records to this GSOC central (keys: central.* in the config), e.g. tcp://central:7770");
  run_cmd->add_option("--ui", run.ui, "Serve the analysts' console on HOST:PORT (needs a store and an accounts file)");
  run_cmd->add_option("--ui-accounts", run.ui_accounts, "The console's accounts file (default: ui.accounts)");
  run_cmd->add_option("--stats-interval", run.stats_interval_s, "Seconds between EVE stats records (default: config, else end only)");
  run_cmd->add_option("--bus-wait-ms", run.bus_wait_ms, "Capture files: wait this long for a first bus subscriber");
  run_cmd->add_flag("!--no-summary", run.summary, "Do not print the summary at the end");

  auto* rules_cmd = app.add_subcommand("rules", "Rule tools");
  rules_cmd->require_subcommand(1);
  std::vector<std::string> check_paths;
  std::string check_config;
  bool check_json = false;
  auto* check = rules_cmd->add_subcommand("check", "Parse rules and report every problem with its location");
  check->add_option("paths", check_paths, "Rule files or folders")->required();
  check->add_option("--config", check_config, "mamori.yaml (for rule variables)");
  check->add_flag("--json", check_json, "One JSON object for machines");
  mamori::RulesPushCommands pushes(*rules_cmd);

  mamori::TailCommand tail(app);
  mamori::IncidentsCommand incidents(app);
  mamori::CentralCommand central(app);
  mamori::KeysCommand keys(app);
  mamori::UiCommand ui(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }

  if (*run_cmd) {
    if (run.pcap.empty() && run.interface.empty()) {
      fmt::print(stderr, "mamori run: give --pcap FILE or --interface IF\n");
      return 1;
    }
    return mamori::runPipeline(run);
  }
  if (*check) return mamori::rulesCheck(check_paths, check_config, check_json);
  if (tail.selected()) return tail.run();
  if (incidents.selected()) return incidents.run();
  if (central.selected()) return central.run();
  if (pushes.selected()) return pushes.run();
  if (keys.selected()) return keys.run();
  if (ui.selected()) return ui.run();
  return 1;
}
