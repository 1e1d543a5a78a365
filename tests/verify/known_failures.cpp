#include "tests/verify/known_failures.h"

#include <fstream>

#include "tests/support/test_support.h"

namespace mamori::test {

std::string knownFailuresPath() { return sourceDir() + "/tests/verify/known_failures.tsv"; }

KnownFailures loadKnownFailures(const std::string& path) {
  KnownFailures out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    // A line without a reason still names a listed case; the summary then reports it as unexplained.
    out[line.substr(0, tab)] = tab == std::string::npos ? "" : line.substr(tab + 1);
  }
  return out;
}

}  // namespace mamori::test
