#include "console/triage.h"

#include <stdexcept>

namespace mamori {

bool isTriageStatus(std::string_view status) {
  return status == "new" || status == "acknowledged" || status == "assigned" || status == "closed" ||
         status == "false_positive";
}

Triage applyAction(const Triage& before, const TriageAction& action) {
  if (action.text.size() > kMaxActionText || action.owner.size() > 256) {
    throw std::invalid_argument("the text is longer than " + std::to_string(kMaxActionText) + " bytes");
  }
  Triage after = before;
  const std::string& a = action.action;
  if (a == "acknowledge") {
    after.status = "acknowledged";
  } else if (a == "assign") {
    if (action.owner.empty()) throw std::invalid_argument("assign needs an owner");
    after.status = "assigned";
    after.owner = action.owner;
  } else if (a == "comment") {
    if (action.text.empty()) throw std::invalid_argument("a comment needs text");
  } else if (a == "close" || a == "false_positive") {
    if (action.text.empty()) throw std::invalid_argument(a + " needs a reason");
    after.status = a == "close" ? "closed" : "false_positive";
  } else if (a == "reopen") {
    after.status = "new";
  } else {
    throw std::invalid_argument("unknown action '" + a.substr(0, 40) + "'");
  }
  after.updated_at_us = action.at_us;
  after.updated_by = action.user;
  return after;
}

}  // namespace mamori
