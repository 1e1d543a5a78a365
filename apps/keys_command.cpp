#include "apps/keys_command.h"

#include <filesystem>

#include <fmt/format.h>

#include "apps/config.h"
#include "auth/curve_key.h"

namespace mamori {

KeysCommand::KeysCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("keys", "CURVE key pairs for sensors, the central, rule authors and subscribers");
  cmd->require_subcommand(1);
  generate_ = cmd->add_subcommand("generate", "Write a new key pair: DIR/NAME.key (secret, mode 0600) and DIR/NAME.pub");
  generate_->add_option("--out", out_, "Folder for the two files (made, mode 0700, when missing)")->required();
  generate_->add_option("--name", name_, "Name of the key pair and its files (default: this host's name)");
}

int KeysCommand::run() const {
  std::string name = name_.empty() ? hostName() : name_;
  try {
    CurveKeyPair pair = generateCurveKeyPair(name);
    writeKeyFiles(out_, pair);
    std::filesystem::path dir = out_;
    fmt::print("secret key  {}  (mode 0600: keep it on the machine it names)\n", (dir / (name + ".key")).string());
    fmt::print("public key  {}  (for the allowlists and configurations of its peers)\n",
               (dir / (name + ".pub")).string());
    fmt::print("fingerprint {}\n", keyFingerprint(pair.public_key));
    return 0;
  } catch (const KeyError& e) {
    fmt::print(stderr, "mamori keys generate: {}\n", e.what());
    return 1;
  }
}

}  // namespace mamori
