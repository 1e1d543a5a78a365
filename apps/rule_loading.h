#pragma once
// Where the project's own rule files and the console's page are: installed beside the binary (bin/../share/mamori),
// else in the source tree it was built from.
#include <string>

namespace mamori {

// The project's own rules, used when no --rules is given.
std::string defaultRulesPath();
// The default correlation rules, always loaded (--correlation adds more).
std::string defaultCorrelationPath();
// The analysts' console's static files (HTML, CSS, JS).
std::string defaultWebPath();

}  // namespace mamori
