#pragma once
// Triage: what analysts have done with an incident, beside what the correlation says of it
// (its state open/updated/closed is the engine's; this is the people's). An action moves
// the triage status, and every action, with who and when, is the incident's history.
// Pure values and one pure function; any thread.
#include <cstdint>
#include <string>
#include <string_view>

namespace mamori {

struct Triage {
  std::string status = "new";  // new, acknowledged, assigned, closed, false_positive
  std::string owner;           // an account name, once assigned
  int64_t updated_at_us = 0;   // wall time of the last action; 0: none yet
  std::string updated_by;
};

struct TriageAction {
  int64_t at_us = 0;  // wall time
  std::string user;
  std::string action;  // acknowledge, assign, comment, close, false_positive, reopen
  std::string owner;   // assign
  std::string text;    // comment: the comment; close, false_positive: the reason
};

// Bounds of what an analyst may write into an action, so a script cannot fill the store.
constexpr size_t kMaxActionText = 4096;

// The triage after `action`; throws std::invalid_argument naming what is wrong (an unknown
// action, an assign without an owner, a comment without text, text over kMaxActionText).
Triage applyAction(const Triage& before, const TriageAction& action);

bool isTriageStatus(std::string_view status);

}  // namespace mamori
