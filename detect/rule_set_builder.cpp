#include "detect/rule_set_builder.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "detect/hs_database_cache.h"
#include "rules/classification.h"

namespace fs = std::filesystem;

namespace mamori {

std::vector<std::string> ruleFiles(const std::vector<std::string>& paths, std::vector<RuleError>& errors) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        if (e.is_regular_file() && e.path().extension() == ".rules") found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) errors.push_back(RuleError{p, 0, 0, 0, "folder holds no .rules files"});
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      errors.push_back(RuleError{p, 0, 0, 0, fs::exists(p, ec) ? "not a regular file or folder" : "no such rule file or folder"});
    }
  }
  return files;
}

ParsedRules parseRules(const RuleSources& sources, const RuleVariables& variables) {
  RuleParser parser(variables, ClassificationTable::suricataDefaults());
  ParsedRules out;
  for (const auto& f : ruleFiles(sources.paths, out.errors)) parser.parseFile(f, out);
  for (const auto& [name, text] : sources.texts) parser.parseText(text, name, out);
  return out;
}

BuiltSignatures buildSignatures(const RuleSources& sources, const RuleVariables& variables,
                                const std::string& cache_dir) {
  auto started = std::chrono::steady_clock::now();
  BuiltSignatures out;
  ParsedRules parsed = parseRules(sources, variables);
  out.parsed = parsed.rules.size();
  out.errors = std::move(parsed.errors);
  HsDatabaseCache cache(cache_dir);
  out.database = SignatureDatabase::build(std::move(parsed.rules), out.errors, &cache);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace mamori
