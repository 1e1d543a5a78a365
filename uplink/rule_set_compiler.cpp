#include "uplink/rule_set_compiler.h"

#include "correlate/correlation_rule_parser.h"

namespace mamori {

CompiledRuleSet compileRuleSet(const RuleSetPackage& package, const RuleVariables& variables,
                               const std::string& cache_dir, const std::string& default_correlation) {
  CompiledRuleSet out;
  RuleSources sources;
  CorrelationRuleParser correlation;
  try {
    if (!default_correlation.empty()) correlation.addPath(default_correlation);
    for (const RuleSetFile& f : package.files) {
      if (RuleSetPackage::isSignatureFile(f.name)) {
        sources.texts.emplace_back(f.name, f.text);
      } else {
        correlation.addText(f.text, f.name);
      }
    }
    out.correlation = correlation.finish();
  } catch (const std::exception& e) {
    // The correlation parser stops at its first error, which already names file and line.
    out.errors.push_back(e.what());
  }
  if (sources.texts.empty()) {
    out.errors.push_back("the rule set holds no .rules file: a sensor would run without signatures");
    return out;
  }
  out.signatures = buildSignatures(sources, variables, cache_dir);
  for (const RuleError& e : out.signatures.errors) out.errors.push_back(e.toString());
  if (!out.signatures.database && out.errors.empty()) out.errors.push_back("the signature database could not be built");
  return out;
}

}  // namespace mamori
