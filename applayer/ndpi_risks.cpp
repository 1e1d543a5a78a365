#include "applayer/ndpi_risks.h"

#include <ndpi/ndpi_api.h>

namespace mamori {

const char* ndpiRiskName(unsigned bit) {
  if (bit == NDPI_NO_RISK || bit >= NDPI_MAX_RISK) return nullptr;
  return ndpi_risk2str(static_cast<ndpi_risk_enum>(bit));
}

}  // namespace mamori
