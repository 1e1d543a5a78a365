#include "correlate/incident.h"

namespace mamori {

const char* incidentStateName(IncidentState s) {
  switch (s) {
    case IncidentState::Open: return "open";
    case IncidentState::Updated: return "updated";
    case IncidentState::Closed: return "closed";
  }
  return "open";
}

bool incidentStateFromName(std::string_view name, IncidentState& out) {
  for (IncidentState s : {IncidentState::Open, IncidentState::Updated, IncidentState::Closed}) {
    if (name == incidentStateName(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

}  // namespace mamori
