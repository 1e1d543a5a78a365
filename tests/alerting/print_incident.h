#pragma once
// gtest shows a differing incident as its fields (its EVE record), not as bytes.
#include <ostream>

#include "alerting/eve_formatter.h"
#include "correlate/incident.h"

namespace mamori {

inline void PrintTo(const Incident& inc, std::ostream* os) {
  *os << EveFormatter(inc.sensor).formatIncident(inc) << " sensor=" << inc.sensor;
}

}  // namespace mamori
