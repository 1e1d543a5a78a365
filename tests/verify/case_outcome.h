#pragma once
// Runs one suricata-verify case through the built `mamori` and compares its alerts per sid with
// what Suricata raised. Outcomes are cached in the build folder, keyed by the binaries that
// produced them, so the summary need not run every case again after the per-case tests.
#include <optional>
#include <string>

#include "tests/verify/verify_case.h"

namespace mamori::test {

struct CaseOutcome {
  bool passed = false;
  std::string reason;  // plain, one line; empty when passed
  std::string cause;   // the reason's kind, to tally failures ("rule not loaded: unsupported keyword")
};

// Runs the case in `work_dir` and caches what it found.
CaseOutcome runCase(const VerifyCase& c, const std::string& work_dir);

// The cached outcome when it came from the current `mamori` and test binaries.
std::optional<CaseOutcome> cachedOutcome(const VerifyCase& c);

}  // namespace mamori::test
