#pragma once
#include <cstddef>
#include <string>

namespace mamori {

// Why an address or port expression did not compile, and where in its text.
struct ExpressionError {
  size_t offset = 0;
  std::string reason;
};

}  // namespace mamori
