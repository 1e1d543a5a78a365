#pragma once
// Names of the nDPI risk bits a flow record carries (FlowApplication::risks), as nDPI
// prints them ("Known Protocol on Non Standard Port", ...), for EVE and the incident store.
#include <cstdint>

namespace mamori {

// nDPI's name of risk bit `bit`; nullptr when nDPI has none.
const char* ndpiRiskName(unsigned bit);

template <typename F>
void forEachNdpiRisk(uint64_t risks, F&& f) {
  for (unsigned bit = 0; bit < 64; ++bit) {
    if (!(risks >> bit & 1)) continue;
    if (const char* name = ndpiRiskName(bit)) f(name);
  }
}

}  // namespace mamori
