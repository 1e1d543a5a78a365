// Fuzz target: a correlation rule file (YAML, several documents) through
// CorrelationRuleParser: read, names resolved, cycles refused, the set ordered. A bad file
// must end in a CorrelationRuleError naming file and line; any other exception is a finding.
#include "correlate/correlation_rule_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mamori;
  try {
    CorrelationRuleParser parser;
    parser.addText(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
    parser.finish();
  } catch (const CorrelationRuleError&) {
  }
  return 0;
}
