#include "applayer/ssh_banner_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace mamori {
namespace {

using State = SshBannerReader::State;

State feed(SshBannerReader& r, const std::string& data, SshBanner& banner) {
  return r.feed(reinterpret_cast<const uint8_t*>(data.data()), data.size(), banner);
}

TEST(SshBannerReader, SplitBannerKeepsVersionsWithoutComments) {
  SshBannerReader r;
  SshBanner b;
  EXPECT_EQ(feed(r, "SSH-2.0-Open", b), State::Reading);
  EXPECT_FALSE(b.seen);
  EXPECT_EQ(feed(r, "SSH_8.9p1 Ubuntu-3ubuntu0.1\r\n\x00\x00\x05", b), State::Done);
  EXPECT_TRUE(b.seen);
  EXPECT_EQ(b.proto, "2.0");
  EXPECT_EQ(b.software, "OpenSSH_8.9p1");
  // Past the banner come binary key-exchange packets, which are not read.
  EXPECT_EQ(feed(r, "SSH-1.5-other\r\n", b), State::Done);
  EXPECT_EQ(b.software, "OpenSSH_8.9p1");
}

TEST(SshBannerReader, ServerPreambleLinesAreSkipped) {
  SshBannerReader r;
  SshBanner b;
  EXPECT_EQ(feed(r, "Welcome\r\nauthorised use only\nSSH-1.99-Cisco-1.25\n", b), State::Done);
  EXPECT_EQ(b.proto, "1.99");
  EXPECT_EQ(b.software, "Cisco-1.25");
}

TEST(SshBannerReader, NotSshIsGivenUpBounded) {
  {
    SshBannerReader r;
    SshBanner b;
    EXPECT_EQ(feed(r, std::string(300, 'A'), b), State::NotSsh);  // no line end within 255 bytes
  }
  {
    SshBannerReader r;
    SshBanner b;
    EXPECT_EQ(feed(r, "SSH-nodash\r\n", b), State::NotSsh);
    EXPECT_FALSE(b.seen);
  }
  {
    SshBannerReader r;
    SshBanner b;
    std::string lines;
    for (int i = 0; i < 1000; ++i) lines += "noise line\r\n";
    EXPECT_EQ(feed(r, lines, b), State::NotSsh);
  }
}

}  // namespace
}  // namespace mamori
