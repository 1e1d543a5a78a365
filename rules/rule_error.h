#pragma once
#include <cstdint>
#include <string>

namespace mamori {

// A rule that did not load, and why. `mamori rules check` prints these as they are.
struct RuleError {
  std::string file;
  uint32_t line = 0;    // 1-based, physical line in the file
  uint32_t column = 0;  // 1-based, on that line
  uint32_t sid = 0;     // 0 when the rule's sid could not be read
  std::string reason;

  // "file:line:column: sid N: reason" (the sid part only when known).
  std::string toString() const;
};

}  // namespace mamori
