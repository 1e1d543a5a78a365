#pragma once
#include <cstdint>

namespace mamori {

enum class Direction : uint8_t { ToServer = 0, ToClient = 1 };

constexpr Direction opposite(Direction d) { return d == Direction::ToServer ? Direction::ToClient : Direction::ToServer; }

}  // namespace mamori
