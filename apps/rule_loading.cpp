#include "apps/rule_loading.h"

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

std::string defaultWebPath() { return projectPath("web", MAMORI_DEFAULT_WEB_DIR); }

}  // namespace mamori
