#pragma once
#include <cstdint>

namespace mamori {

enum class Direction : uint8_t { ToServer = 0, ToClient = 1 };

}  // namespace mamori
