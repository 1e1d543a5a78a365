#pragma once
#include <string>
#include <vector>

namespace mamori {
// `mamori rules check PATH...`: parses every rule, prints each failure with its location,
// per-file and total counts; exit 1 if any rule failed.
int rulesCheck(const std::vector<std::string>& paths, const std::string& config, bool json);
}  // namespace mamori
