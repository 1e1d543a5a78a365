#pragma once
// `mamori central --config central.yaml`: runs the GSOC central (central/central_server.h)
// until SIGINT / SIGTERM, with /metrics when central.metrics is set. `--check` reads the
// configuration and the keys it names, says what it would run, and exits.
#include <string>

#include <CLI/CLI.hpp>

namespace mamori {

class CentralCommand {
 public:
  explicit CentralCommand(CLI::App& app);  // adds the subcommand to `app`

  bool selected() const { return command_->parsed(); }
  // Exit code: 0 after a signal, 1 for a bad configuration or a central that cannot start.
  int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::string config_;
  bool check_ = false;
};

}  // namespace mamori
