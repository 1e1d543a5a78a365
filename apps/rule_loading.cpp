#include "apps/rule_loading.h"

#include <algorithm>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace mamori {

namespace {

// Installed layout first (bin/../share/mamori/NAME), then the source tree it was built from.
std::string projectPath(const char* installed_name, const char* source_dir) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = 0;
    fs::path installed = fs::path(self).parent_path().parent_path() / "share" / "mamori" / installed_name;
    if (fs::is_directory(installed)) return installed.string();
  }
  return source_dir;
}

}  // namespace

std::string defaultRulesPath() { return projectPath("rules", MAMORI_DEFAULT_RULES_DIR); }

std::string defaultCorrelationPath() { return projectPath("correlation", MAMORI_DEFAULT_CORRELATION_DIR); }

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
      errors.push_back(RuleError{p, 0, 0, 0, "no such rule file or folder"});
    }
  }
  return files;
}

ParsedRules loadRules(const std::vector<std::string>& paths, const Config& config) {
  RuleVariables vars;
  for (const auto& [name, expr] : config.address_groups) vars.setAddressGroup(name, expr);
  for (const auto& [name, expr] : config.port_groups) vars.setPortGroup(name, expr);
  RuleParser parser(std::move(vars), ClassificationTable::suricataDefaults());
  ParsedRules out;
  for (const auto& f : ruleFiles(paths, out.errors)) parser.parseFile(f, out);
  return out;
}

}  // namespace mamori
