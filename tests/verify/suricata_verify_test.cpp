// Suricata's own test cases (../shared/corpus/suricata-verify): mamori must raise exactly as many
// alerts per checked sid as Suricata did. One test per case; cases listed in known_failures.tsv
// pass while they fail (printed as KNOWN-FAILING) and fail once they pass, so the list stays honest.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "tests/support/test_support.h"
#include "tests/verify/case_outcome.h"
#include "tests/verify/known_failures.h"
#include "tests/verify/verify_case.h"

namespace mamori::test {
namespace {

std::string corpusRoot() { return sharedDir() + "/corpus/suricata-verify"; }

std::vector<VerifyCase> casesOrPlaceholder() {
  auto cases = discoverCases(corpusRoot());
  if (cases.empty()) {
    VerifyCase missing;  // its test fails under CI and skips elsewhere
    missing.name = "missing_shared";
    cases.push_back(missing);
  }
  return cases;
}

const KnownFailures& knownFailures() {
  static const KnownFailures known = loadKnownFailures(knownFailuresPath());
  return known;
}

std::string percent(size_t n, size_t of) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", of ? 100.0 * double(n) / double(of) : 0.0);
  return buf;
}

class SuricataVerify : public ::testing::TestWithParam<VerifyCase> {};

TEST_P(SuricataVerify, AlertsMatchSuricata) {
  MAMORI_REQUIRE_SHARED();
  const VerifyCase& c = GetParam();
  CaseOutcome o = runCase(c, tempDir());
  auto listed = knownFailures().find(c.name);
  const std::string tag = c.name + " [" + categoryName(c.category()) + "]";
  if (o.passed) {
    std::cout << "PASS " << tag << "\n";
    if (listed != knownFailures().end()) ADD_FAILURE() << c.name << " passes now: remove it from known_failures.tsv";
    return;
  }
  if (listed == knownFailures().end()) {
    ADD_FAILURE() << "FAIL " << tag << ": " << o.reason;
    return;
  }
  std::cout << "KNOWN-FAILING " << tag << ": " << listed->second << "\n";
  if (o.reason != listed->second) std::cout << "  reason now: " << o.reason << "\n";
}

INSTANTIATE_TEST_SUITE_P(Cases, SuricataVerify, ::testing::ValuesIn(casesOrPlaceholder()),
                         [](const auto& info) { return testName(info.param.name); });

struct Rate {
  size_t passed = 0, total = 0;
  void add(bool pass) {
    ++total;
    passed += pass;
  }
  std::string text() const { return std::to_string(passed) + "/" + std::to_string(total) + " (" + percent(passed, total) + ")"; }
};

// Pass rates over every case, from the per-case tests' cached outcomes where they are current.
// Set MAMORI_VERIFY_FAILURES_OUT=FILE to write today's failures in known_failures.tsv's format.
TEST(SuricataVerifySummary, PassRates) {
  MAMORI_REQUIRE_SHARED();
  auto cases = discoverCases(corpusRoot());
  ASSERT_FALSE(cases.empty()) << "no expected.json below " << corpusRoot();
  const KnownFailures& known = knownFailures();

  Rate all, buffers;
  std::map<std::string, Rate> by_category;
  std::map<std::string, size_t> known_by_cause;
  std::vector<std::string> unlisted_failures, listed_passing, failures_tsv;
  for (const auto& c : cases) {
    auto o = cachedOutcome(c);
    if (!o) o = runCase(c, tempDir() + "/" + testName(c.name));
    all.add(o->passed);
    by_category[categoryName(c.category())].add(o->passed);
    if (c.usesHttpDnsTlsBuffers()) buffers.add(o->passed);
    bool listed = known.count(c.name) > 0;
    if (o->passed && listed) listed_passing.push_back(c.name);
    if (!o->passed && !listed) unlisted_failures.push_back(c.name + ": " + o->reason);
    if (!o->passed && listed) ++known_by_cause[std::string(categoryName(c.category())) + " / " + o->cause];
    if (!o->passed) failures_tsv.push_back(c.name + "\t" + o->reason);
  }

  std::cout << "by category:\n";
  for (const auto& [name, r] : by_category) std::cout << "  " << name << ": " << r.text() << "\n";
  std::vector<std::pair<size_t, std::string>> causes;
  for (const auto& [cause, n] : known_by_cause) causes.emplace_back(n, cause);
  std::sort(causes.rbegin(), causes.rend());
  std::cout << "known failures by reason (" << known.size() << " listed):\n";
  for (const auto& [n, cause] : causes) std::cout << "  " << n << "  " << cause << "\n";
  for (const auto& f : unlisted_failures) std::cout << "FAILING, not listed: " << f << "\n";
  for (const auto& n : listed_passing) std::cout << "PASSING, still listed: " << n << "\n";
  const Rate& issue3 = by_category[categoryName(CaseCategory::Issue3Keywords)];
  std::cout << "suricata-verify: " << all.passed << "/" << all.total << " passed (" << percent(all.passed, all.total)
            << "); issue-3-keyword cases: " << issue3.text() << "; http/dns/tls-buffer cases: " << buffers.text()
            << "\n";

  if (const char* out = std::getenv("MAMORI_VERIFY_FAILURES_OUT")) {
    std::ofstream tsv(out);
    for (const auto& line : failures_tsv) tsv << line << "\n";
  }

  std::set<std::string> names;
  for (const auto& c : cases) names.insert(c.name);
  for (const auto& [name, reason] : known) {
    EXPECT_TRUE(names.count(name)) << "known_failures.tsv lists " << name << ", which is not a case";
    EXPECT_FALSE(reason.empty()) << "known_failures.tsv gives no reason for " << name;
  }
}

}  // namespace
}  // namespace mamori::test
