// EVE timestamps written and read back: the central reads its sensors' records by them.
#include "correlate/eve_time.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>

namespace mamori {
namespace {

constexpr TimeUs kTs = 1457347719135427;  // 2016-03-07T10:48:39.135427Z, Suricata's documented example

TEST(EveTime, WritesSuricatasFormInUtc) {
  EXPECT_EQ(formatEveTime(kTs), "2016-03-07T10:48:39.135427+0000");
  EXPECT_EQ(formatEveTime(0), "1970-01-01T00:00:00.000000+0000");
  EXPECT_EQ(formatEveTime(-1), "1969-12-31T23:59:59.999999+0000");
  EXPECT_EQ(formatEveTime(951782400LL * 1000000), "2000-02-29T00:00:00.000000+0000");
}

TEST(EveTime, ReadsBackWhatItWritesAcrossYearsAndLeapDays) {
  // Every ~3.7 days from 1901 to 2100, at odd microseconds, against the C library's calendar.
  for (TimeUs ts = -2'177'452'800LL * 1000000 + 7; ts < 4'102'444'800LL * 1000000; ts += 317'567'891'234LL) {
    const std::string text = formatEveTime(ts);
    EXPECT_EQ(parseEveTime(text), ts) << text;
    const time_t secs = static_cast<time_t>((ts - ((ts % 1000000 + 1000000) % 1000000)) / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%S", &tm);
    EXPECT_EQ(text.substr(0, 19), expected) << ts;
  }
}

TEST(EveTime, ReadsOffsetsAndFractionsAsSuricataMayWriteThem) {
  EXPECT_EQ(parseEveTime("2016-03-07T19:48:39.135427+0900"), kTs) << "local time with its offset";
  EXPECT_EQ(parseEveTime("2016-03-07T09:18:39.135427-0130"), kTs);
  EXPECT_EQ(parseEveTime("2016-03-07T19:48:39.135427+09:00"), kTs);
  EXPECT_EQ(parseEveTime("2016-03-07T10:48:39.135427Z"), kTs);
  EXPECT_EQ(parseEveTime("2016-03-07T10:48:39.135427999+0000"), kTs) << "nanoseconds cut to microseconds";
  EXPECT_EQ(parseEveTime("2016-03-07T10:48:39.1+0000"), kTs - 35427);
  EXPECT_EQ(parseEveTime("2016-03-07T10:48:39+0000"), kTs - 135427);
}

TEST(EveTime, RefusesAnythingElse) {
  for (const char* bad : {"", "2016-03-07", "2016-03-07T10:48:39", "2016-03-07 10:48:39.135427+0000",
                          "2016-02-30T10:48:39.000000+0000", "2015-02-29T10:48:39.000000+0000",
                          "2016-13-07T10:48:39.000000+0000", "2016-03-07T24:00:00.000000+0000",
                          "2016-03-07T10:60:39.000000+0000", "2016-03-07T10:48:60.000000+0000",
                          "0000-01-01T00:00:00.000000+0000", "2016-03-07T10:48:39.+0000",
                          "2016-03-07T10:48:39.1234567890+0000", "2016-03-07T10:48:39.135427+2400",
                          "2016-03-07T10:48:39.135427+0000 ", "2016-03-07T10:48:39.135427+00",
                          "+2016-03-07T10:48:39.135427+0000", "2016-3-07T10:48:39.135427+0000"}) {
    EXPECT_EQ(parseEveTime(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace mamori
