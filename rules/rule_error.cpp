#include "rules/rule_error.h"

namespace mamori {

std::string RuleError::toString() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (sid != 0) out += "sid " + std::to_string(sid) + ": ";
  return out + reason;
}

}  // namespace mamori
