#include "rules/rule.h"

namespace mamori {

const char* ruleActionName(RuleAction action) {
  switch (action) {
    case RuleAction::Alert: return "alert";
    case RuleAction::Pass: return "pass";
    case RuleAction::Drop: return "drop";
    case RuleAction::Reject: return "reject";
    case RuleAction::RejectSrc: return "rejectsrc";
    case RuleAction::RejectDst: return "rejectdst";
    case RuleAction::RejectBoth: return "rejectboth";
  }
  return "alert";
}

}  // namespace mamori
