#pragma once
// `mamori incidents list|show`: reads the incident store (alerting/incident_store.h), also
// while a sensor writes to it. The store is --db, else correlate.store of --config, else
// that key's default. Incidents are named by sensor and id (a central's store holds many
// sensors' incidents, whose ids may coincide).
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace mamori {

class IncidentStore;

class IncidentsCommand {
 public:
  explicit IncidentsCommand(CLI::App& app);  // adds the subcommands to `app`

  bool selected() const { return *list_ || *show_; }
  // Exit code: 0, 1 for a missing store, an unknown incident or an id several sensors have
  // (without --sensor), 2 for a bad configuration.
  int run() const;

 private:
  int list(IncidentStore& store) const;
  int show(IncidentStore& store) const;

  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  std::string db_, config_;
  std::string state_ = "open";
  std::string sensor_;  // empty: every sensor's
  uint64_t id_ = 0;
  bool json_ = false;
};

}  // namespace mamori
