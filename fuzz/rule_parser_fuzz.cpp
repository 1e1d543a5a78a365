// Fuzz target: signature rule text, a whole rule file (continuation lines, comments,
// duplicates), through RuleParser with Suricata's default variables. Every refusal must say
// where: an error without a line is a finding too.
#include <cstdlib>
#include <string>

#include "rules/rule_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  static const RuleParser defaults;
  RuleParser parser = defaults;
  ParsedRules out;
  parser.parseText(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.rules", out);
  for (const RuleError& e : out.errors)
    if (e.line == 0 || e.reason.empty()) abort();
  return 0;
}
