#pragma once
// `mamori ui --store DB [--eve FILE]`: the analysts' console on its own, over an incident
// store and the EVE file a sensor or central writes (followed as it grows): the demo's
// incidents, or a box whose sensor runs without --ui. Its `users` and `tokens`
// subcommands manage the accounts file (apps/ui_accounts_command.h).
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/ui_accounts_command.h"
#include "console/console_options.h"

namespace mamori {

class UiCommand {
 public:
  explicit UiCommand(CLI::App& app);

  bool selected() const { return static_cast<bool>(*command_); }
  // Exit code: 0 after SIGINT/SIGTERM, 1 for a bad setting.
  int run();

 private:
  CLI::App* command_ = nullptr;
  std::unique_ptr<UiAccountsCommand> accounts_;
  ConsoleOptions options_;
  std::string eve_;
  std::vector<std::string> correlation_;
};

}  // namespace mamori
