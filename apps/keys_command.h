#pragma once
// `mamori keys generate --out DIR [--name NAME]`: a new CURVE key pair for a sensor, the
// central, a rule author or a bus subscriber, as DIR/NAME.key (secret, mode 0600) and
// DIR/NAME.pub (auth/curve_key.h). Prints the two paths and the fingerprint, never a key.
#include <string>

#include <CLI/CLI.hpp>

namespace mamori {

class KeysCommand {
 public:
  explicit KeysCommand(CLI::App& app);  // adds the subcommands to `app`

  bool selected() const { return static_cast<bool>(*generate_); }
  // Exit code: 0, 1 when the files exist or cannot be written.
  int run() const;

 private:
  CLI::App* generate_ = nullptr;
  std::string out_, name_;
};

}  // namespace mamori
