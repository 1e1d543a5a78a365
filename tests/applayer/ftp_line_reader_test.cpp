#include "applayer/ftp_line_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace mamori {
namespace {

using Lines = std::vector<std::pair<std::string, bool>>;

void feed(FtpLineReader& r, const std::string& s, Lines& out) {
  r.feed(reinterpret_cast<const uint8_t*>(s.data()), s.size(),
         [&](std::string_view line, bool truncated) { out.emplace_back(std::string(line), truncated); });
}

TEST(FtpLineReader, LinesEndAtLfWithOrWithoutCrAndMaySpanSegments) {
  FtpLineReader r;
  Lines lines;
  feed(r, "USER a\r\nPA", lines);
  feed(r, "SS b\nNO", lines);
  EXPECT_EQ(lines, (Lines{{"USER a", false}, {"PASS b", false}}));
  feed(r, "OP\r", lines);
  feed(r, "\n", lines);
  EXPECT_EQ(lines.back(), (std::pair<std::string, bool>{"NOOP", false}));
}

TEST(FtpLineReader, ALongLineIsCutAndItsRestSkipped) {
  FtpLineReader r;
  Lines lines;
  feed(r, std::string(FtpLineReader::kMaxLine - 10, 'a'), lines);
  EXPECT_TRUE(lines.empty());
  feed(r, std::string(100, 'b'), lines);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].second);
  EXPECT_EQ(lines[0].first.size(), FtpLineReader::kMaxLine);
  feed(r, std::string(10000, 'c') + "\r\nQUIT\r\n", lines);
  EXPECT_EQ(lines.back(), (std::pair<std::string, bool>{"QUIT", false}));
  EXPECT_EQ(lines.size(), 2u);
}

TEST(FtpLineReader, AGapDropsTheUnfinishedLine) {
  FtpLineReader r;
  Lines lines;
  feed(r, "RETR half", lines);
  r.reset();
  feed(r, "LIST\r\n", lines);
  EXPECT_EQ(lines, (Lines{{"LIST", false}}));
}

}  // namespace
}  // namespace mamori
