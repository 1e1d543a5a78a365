#pragma once
// tests/verify/known_failures.tsv: the suricata-verify cases mamori is known not to pass yet,
// each with why. One `case<TAB>reason` a line; blank lines and lines starting with '#' are notes.
#include <map>
#include <string>

namespace mamori::test {

using KnownFailures = std::map<std::string, std::string>;  // case name -> reason

std::string knownFailuresPath();
KnownFailures loadKnownFailures(const std::string& path);

}  // namespace mamori::test
