// Loads the real Emerging Threats Open rule set: nothing may crash, every refused rule
// must carry a location and a reason, at least 98% of the rules that need no app layer
// load, and what loads must compile into one database.
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

  // Every refusal names a place and a reason; a rule that needs the app layer says so,
  // and of the others at least 98% must load.
  std::map<std::string, size_t> reasons;
  size_t app_layer = 0;
  for (const RuleError& e : parsed.errors) {
    ASSERT_GE(e.line, 1u) << e.toString();
    ASSERT_GE(e.column, 1u) << e.toString();
    ASSERT_NE(e.sid, 0u) << e.toString();
    ASSERT_FALSE(e.reason.empty()) << e.toString();
    if (e.reason.rfind("needs the app layer (", 0) == 0) ++app_layer;
    ++reasons[e.reason];
  }
  const size_t loaded_rules = parsed.rules.size();
  const size_t total = loaded_rules + parsed.errors.size();
  const size_t packet_level = total - app_layer;
  const double overall = 100.0 * loaded_rules / total;
  const double without_app_layer = 100.0 * loaded_rules / packet_level;
  std::vector<std::pair<size_t, std::string>> top;
  for (const auto& [reason, n] : reasons) top.emplace_back(n, reason);
  std::sort(top.rbegin(), top.rend());
  std::cout << "ET Open: " << loaded_rules << " of " << total << " rules loaded (" << overall
            << "%); without app-layer keywords: " << loaded_rules << " of " << packet_level << " ("
            << without_app_layer << "%); most common refusals:\n";
  for (size_t i = 0; i < std::min<size_t>(top.size(), 12); ++i) {
    std::cout << "  " << top[i].first << "  " << top[i].second << "\n";
  }
  EXPECT_GE(without_app_layer, 98.0);

  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build(std::move(parsed.rules), errors);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(db->size(), loaded_rules);
}

}  // namespace
}  // namespace mamori
