// Loads the real Emerging Threats Open rule set: nothing may crash, every refused rule
// must carry a location and a reason, at least 99.5% of all rules load (app-layer buffers
// included), and what loads must compile into one database, app-buffer rules into the
// app-buffer databases rather than the packet and stream groups.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <utility>
#include <vector>

#include "detect/signature_database.h"
#include "rules/rule_parser.h"
#include "tests/support/test_support.h"

namespace mamori {
namespace {

TEST(EtOpenLoadTest, ParsesAndCompilesWhatItSupports) {
  MAMORI_REQUIRE_SHARED();
  std::filesystem::path dir = std::filesystem::path(test::sharedDir()) / "rules" / "et-open";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no " << dir;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".rules") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());

  ClassificationTable classes = ClassificationTable::suricataDefaults();
  classes.loadConfig(test::readFile((dir / "classification.config").string()));
  RuleParser parser(RuleVariables{}, classes);
  ParsedRules parsed;
  for (const std::string& f : files) ASSERT_TRUE(parser.parseFile(f, parsed));

  // Every refusal names a place and a reason.
  std::map<std::string, size_t> reasons;
  for (const RuleError& e : parsed.errors) {
    ASSERT_GE(e.line, 1u) << e.toString();
    ASSERT_GE(e.column, 1u) << e.toString();
    ASSERT_NE(e.sid, 0u) << e.toString();
    ASSERT_FALSE(e.reason.empty()) << e.toString();
    ++reasons[e.reason];
  }
  const size_t loaded_rules = parsed.rules.size();
  const size_t total = loaded_rules + parsed.errors.size();
  const size_t app_rules = std::count_if(parsed.rules.begin(), parsed.rules.end(), [](const Rule& r) {
    return !r.app_buffers.empty() || !r.app_values.empty();
  });
  const double overall = 100.0 * loaded_rules / total;
  std::vector<std::pair<size_t, std::string>> top;
  for (const auto& [reason, n] : reasons) top.emplace_back(n, reason);
  std::sort(top.rbegin(), top.rend());
  std::cout << "ET Open: " << loaded_rules << " of " << total << " rules loaded (" << overall << "%), "
            << app_rules << " of them with app-layer buffers; most common refusals:\n";
  for (size_t i = 0; i < std::min<size_t>(top.size(), 12); ++i) {
    std::cout << "  " << top[i].first << "  " << top[i].second << "\n";
  }
  EXPECT_EQ(total, 24827u);
  EXPECT_GE(overall, 99.5);
  // Most of ET Open is about HTTP, DNS and TLS buffers.
  EXPECT_GE(app_rules, 19000u);

  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build(std::move(parsed.rules), errors);
  ASSERT_NE(db, nullptr);
  for (const RuleError& e : errors) ADD_FAILURE() << e.toString();
  EXPECT_EQ(db->size(), loaded_rules);
  size_t in_app_phase = 0;
  for (uint32_t i = 0; i < db->size(); ++i) in_app_phase += db->signature(i).app_phase.has_value();
  EXPECT_EQ(in_app_phase, app_rules);
  EXPECT_FALSE(db->appDatabases().empty());
  std::cout << "app-buffer databases: " << db->appDatabases().size() << "; verified in every transaction, per phase:";
  for (size_t p = 0; p < kAppPhaseCount; ++p) std::cout << " " << db->appUnprefiltered(static_cast<AppPhase>(p)).size();
  std::cout << "\n";
}

}  // namespace
}  // namespace mamori
