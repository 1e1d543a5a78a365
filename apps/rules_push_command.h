#pragma once
// `mamori rules push|status|rollback`: a rule author's requests to the GSOC central
// (central/central_client.h), with the author's key, pinned to the central's.
//   push PATH...      the set (rule files, folders, correlation .yaml) goes to the central,
//                     which checks it and sends it to every sensor; one line per sensor
//   status            each sensor's running version, and the versions kept
//   rollback VERSION  re-sends a kept version
// Exit codes: 0 every sensor runs the set; 1 the central or a sensor refused it (each
// problem printed as `rules check` prints it); 2 no answer from the central (not running,
// wrong --server-key, or this key not on its authors list: CURVE says nothing then); 3 some
// sensors had not answered when --timeout passed.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mamori {

class RulesPushCommands {
 public:
  explicit RulesPushCommands(CLI::App& rules);  // adds push, status, rollback under `rules`

  bool selected() const { return *push_ || *status_ || *rollback_; }
  int run() const;

 private:
  int push() const;
  int status() const;
  int rollback() const;

  CLI::App* push_ = nullptr;
  CLI::App* status_ = nullptr;
  CLI::App* rollback_ = nullptr;
  std::string central_, key_, server_key_, comment_, version_;
  std::vector<std::string> paths_;
  double timeout_s_ = 120;
  bool json_ = false;
};

}  // namespace mamori
