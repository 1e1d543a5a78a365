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

}  // namespace mamori
