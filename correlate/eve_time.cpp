#include "correlate/eve_time.h"

#include <cstdio>

namespace mamori {
namespace {

// Floor division, so that times before the epoch still split into a valid second and a
// microsecond part in [0, 1e6).
int64_t floorSeconds(TimeUs ts) {
  int64_t s = ts / 1000000;
  if (ts % 1000000 < 0) --s;
  return s;
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's
// algorithms): no time zone database, no time_t range limits.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

unsigned daysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `at`, advancing it.
bool digits(std::string_view text, size_t& at, size_t n, int64_t& out) {
  if (at + n > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  at += n;
  return true;
}

bool expect(std::string_view text, size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

}  // namespace

std::string formatEveTime(TimeUs ts) {
  const int64_t secs = floorSeconds(ts);
  const auto micros = static_cast<long>(ts - secs * 1000000);
  int64_t days = secs / 86400, rest = secs % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int64_t year;
  unsigned month, day;
  civilFromDays(days, year, month, day);
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%06ld+0000",
                              static_cast<long long>(year), month, day, static_cast<int>(rest / 3600),
                              static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60), micros);
  return std::string(buf, static_cast<size_t>(n));
}

std::optional<TimeUs> parseEveTime(std::string_view text) {
  size_t at = 0;
  int64_t year, month, day, hour, minute, second;
  if (!digits(text, at, 4, year) || !expect(text, at, '-') || !digits(text, at, 2, month) || !expect(text, at, '-') ||
      !digits(text, at, 2, day) || !expect(text, at, 'T') || !digits(text, at, 2, hour) || !expect(text, at, ':') ||
      !digits(text, at, 2, minute) || !expect(text, at, ':') || !digits(text, at, 2, second)) {
    return std::nullopt;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, static_cast<unsigned>(month)) ||
      hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t micros = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    size_t count = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9' && count < 9; ++at, ++count) {
      if (count < 6) micros = micros * 10 + (text[at] - '0');
    }
    if (count == 0) return std::nullopt;
    for (size_t i = count; i < 6; ++i) micros *= 10;
  }
  int64_t offset = 0;  // seconds east of UTC
  if (at < text.size() && text[at] == 'Z') {
    ++at;
  } else {
    if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
    const int sign = text[at++] == '-' ? -1 : 1;
    int64_t oh, om;
    if (!digits(text, at, 2, oh)) return std::nullopt;
    if (at < text.size() && text[at] == ':') ++at;
    if (!digits(text, at, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (at != text.size()) return std::nullopt;
  const int64_t secs = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                       hour * 3600 + minute * 60 + second - offset;
  return secs * 1000000 + micros;
}

}  // namespace mamori
