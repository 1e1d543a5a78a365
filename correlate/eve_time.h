#pragma once
// EVE's timestamps: "2016-03-07T10:48:39.135427+0000". Written by the EVE formatter
// (always UTC) and read back where records return as events and incidents (the central
// reads its sensors' EVE). Pure functions, any thread.
#include <optional>
#include <string>
#include <string_view>

#include "capture/packet.h"

namespace mamori {

// Always UTC, microseconds: "2016-03-07T10:48:39.135427+0000".
std::string formatEveTime(TimeUs ts);

// Suricata's form with any UTC offset ("+0900", "-0130"; also "Z" and "+09:00") and 1 to 9
// fraction digits or none (beyond microseconds cut off). nullopt for anything else, including a
// date that does not exist (2023-02-30) or a year outside 1..9999.
std::optional<TimeUs> parseEveTime(std::string_view text);

}  // namespace mamori
