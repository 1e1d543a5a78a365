// compileRuleSet: the one judgement of a pushed set, made by the central before it accepts a
// set and by each sensor before it runs it.
#include <gtest/gtest.h>

#include "tests/support/test_support.h"
#include "uplink/rule_set_compiler.h"

namespace mamori {
namespace {

const std::string kDefaults = std::string(MAMORI_SOURCE_DIR) + "/correlate/rules";

RuleSetPackage package(std::vector<RuleSetFile> files) {
  RuleSetPackage p;
  p.files = std::move(files);
  return p;
}

TEST(RuleSetCompiler, BuildsSignaturesAndAddsCorrelationRulesToTheDefaults) {
  RuleSetPackage p = package({{"local.rules", "alert tcp any any -> any 80 (msg:\"x\"; content:\"evil\"; sid:10; rev:1;)\n"
                                              "alert udp any any -> any 53 (msg:\"y\"; content:\"tun\"; sid:11; rev:1;)\n"},
                              {"more.yaml", "title: Any DNS\nname: any_dns_x\ndetection:\n  selection:\n    event_type: dns\n"
                                            "  condition: selection\n---\ntitle: Lots of DNS\nname: lots_of_dns\nlevel: low\n"
                                            "correlation:\n  type: event_count\n  rules: [any_dns_x]\n  group-by: [src_ip]\n"
                                            "  timespan: 1m\n  condition:\n    gte: 1000\n"}});
  CompiledRuleSet c = compileRuleSet(p, RuleVariables(), "", kDefaults);
  ASSERT_TRUE(c.ok()) << (c.errors.empty() ? "" : c.errors.front());
  EXPECT_EQ(c.signatures.database->size(), 2u);
  bool added = false, defaults = false;
  for (const CorrelationRule& r : c.correlation->correlations) {
    added |= r.name == "lots_of_dns";
    defaults |= r.name == "port_scan";
  }
  EXPECT_TRUE(added);
  EXPECT_TRUE(defaults) << "a pushed set adds to the project's correlation rules";
}

TEST(RuleSetCompiler, EveryFailingRuleIsReportedWithItsPlace) {
  RuleSetPackage p = package({{"bad.rules", "alert tcp any any -> any 80 (msg:\"ok\"; content:\"a\"; sid:1;)\n"
                                            "alert tcp any any -> any 80 (msg:\"broken\"; content:\"unterminated; sid:2;)\n"
                                            "alert tcp $SCADA_NET any -> any 80 (msg:\"var\"; sid:3;)\n"}});
  CompiledRuleSet c = compileRuleSet(p, RuleVariables(), "", kDefaults);
  EXPECT_FALSE(c.ok());
  ASSERT_EQ(c.errors.size(), 2u);
  EXPECT_EQ(c.errors[0].rfind("bad.rules:2:", 0), 0u) << c.errors[0];
  EXPECT_EQ(c.errors[1].rfind("bad.rules:3:", 0), 0u) << c.errors[1];
  EXPECT_NE(c.errors[1].find("sid 3"), std::string::npos) << c.errors[1];

  // The same set builds where the variable is defined: the sensor's own configuration decides.
  RuleVariables with;
  with.setAddressGroup("SCADA_NET", "[10.50.0.0/16]");
  RuleSetPackage good = package({{"var.rules", "alert tcp $SCADA_NET any -> any 80 (msg:\"var\"; sid:3;)\n"}});
  EXPECT_TRUE(compileRuleSet(good, with, "", kDefaults).ok());
  EXPECT_FALSE(compileRuleSet(good, RuleVariables(), "", kDefaults).ok());
}

TEST(RuleSetCompiler, ABrokenCorrelationFileOrNoSignaturesIsRefused) {
  RuleSetPackage p = package({{"a.rules", "alert ip any any -> any any (msg:\"a\"; sid:1;)\n"},
                              {"broken.yaml", "title: x\nname: y\ndetection:\n  selection:\n    no_such_field: 1\n"
                                              "  condition: selection\n"}});
  CompiledRuleSet c = compileRuleSet(p, RuleVariables(), "", kDefaults);
  EXPECT_FALSE(c.ok());
  ASSERT_FALSE(c.errors.empty());
  EXPECT_NE(c.errors[0].find("broken.yaml"), std::string::npos) << c.errors[0];

  CompiledRuleSet none = compileRuleSet(package({{"only.yaml", "# nothing\n"}}), RuleVariables(), "", kDefaults);
  EXPECT_FALSE(none.ok());
}

}  // namespace
}  // namespace mamori
