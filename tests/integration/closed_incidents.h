#pragma once
// The incidents of an EVE log as they closed (the final record of each), in the form the
// scenario tests compare: rule, title and the evidence an analyst reads.
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/eve_log.h"

namespace mamori::test {

struct ClosedIncident {
  std::string rule, title, source;
  std::vector<std::string> targets, domains;
  std::vector<int64_t> dest_ports, signature_ids;
  int64_t alert_count = 0;
  int64_t severity = 0;
  std::string first_seen, last_seen;
};

std::vector<ClosedIncident> closedIncidents(const EveLog& log);
// Every incident's rule and title.
std::multiset<std::pair<std::string, std::string>> rulesAndTitles(const std::vector<ClosedIncident>& incidents);
// nullptr when no incident has that title.
const ClosedIncident* findByTitle(const std::vector<ClosedIncident>& incidents, const std::string& title);
// One line per incident, for failure messages.
std::string describe(const std::vector<ClosedIncident>& incidents);

}  // namespace mamori::test
