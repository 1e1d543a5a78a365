#pragma once
// `mamori tail --connect ENDPOINT [--topic PREFIX]... [--server-key PUB --key KEYFILE]`:
// prints what a sensor (or the central) publishes on its bus, one EVE record a line, until
// SIGINT or SIGTERM. With --server-key it connects with CURVE, to that server only, as
// the key pair in KEYFILE (which the bus's allowlist must hold).
//
// What it prints came from the network: control characters in a record (a terminal's
// escape sequences) are printed as JSON \u escapes, never as themselves.
//
// Records the bus dropped because tail read too slowly are counted from the publisher's
// markers and said on stderr ("mamori tail: missed N records ..."), as they are found and
// in all at the end.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mamori {

class TailCommand {
 public:
  explicit TailCommand(CLI::App& app);  // adds the subcommand to `app`

  bool selected() const { return static_cast<bool>(*tail_); }
  // Exit code: 0 when stopped by a signal, 1 when the bus refused our key, 2 for a bad
  // endpoint or key.
  int run() const;

 private:
  CLI::App* tail_ = nullptr;
  std::string endpoint_, server_key_, key_;
  std::vector<std::string> topics_;
};

}  // namespace mamori
