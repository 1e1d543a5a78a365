// Fuzz target: a pushed rule set as the central (PUSH) and a sensor (RULESET) receive it:
// name and text frames, read into a RuleSetPackage, validated, and, when it passes, compiled
// as both sides compile it before use: its signature rules parsed and built into Hyperscan
// databases, its correlation rules parsed and resolved.
#include "fuzz/link_frames.h"
#include "uplink/rule_set_compiler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  static const RuleVariables variables;
  link::Frames frames = fuzz::linkFrames(data, size);
  auto files = link::readFiles(frames, 0);
  if (!files) return 0;
  RuleSetPackage package;
  package.files = std::move(*files);
  if (!package.validate().empty()) return 0;
  compileRuleSet(package, variables, "", "");
  return 0;
}
