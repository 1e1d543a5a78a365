// Loads the real Emerging Threats Open rule set: nothing may crash, every refused rule
// must carry a location, and what loads must compile into one database.
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

  // This version knows few keywords, so most ET rules are refused; but never for a
  // reason other than an unknown keyword, which the next versions add one by one.
  std::map<std::string, size_t> unsupported;
  for (const RuleError& e : parsed.errors) {
    ASSERT_GE(e.line, 1u) << e.toString();
    ASSERT_GE(e.column, 1u) << e.toString();
    ASSERT_NE(e.sid, 0u) << e.toString();
    ASSERT_EQ(e.reason.rfind("unsupported keyword '", 0), 0u) << e.toString();
    ++unsupported[e.reason];
  }
  std::vector<std::pair<size_t, std::string>> top;
  for (const auto& [reason, n] : unsupported) top.emplace_back(n, reason);
  std::sort(top.rbegin(), top.rend());
  std::cout << "ET Open: " << parsed.rules.size() << " rules loaded, " << parsed.errors.size()
            << " refused; first refusal reasons:\n";
  for (size_t i = 0; i < std::min<size_t>(top.size(), 8); ++i) {
    std::cout << "  " << top[i].first << "  " << top[i].second << "\n";
  }
  EXPECT_GT(parsed.rules.size(), 0u);

  size_t loaded = parsed.rules.size();
  std::vector<RuleError> errors;
  auto db = SignatureDatabase::build(std::move(parsed.rules), errors);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(db->size(), loaded);
}

}  // namespace
}  // namespace mamori
