#include "applayer/ftp_data_address.h"

#include <gtest/gtest.h>

namespace mamori {
namespace {

TEST(FtpDataAddress, PortArgumentsAndPassiveRepliesNameAnAddressAndPort) {
  auto port = parseFtpHostPort("192,168,1,212,198,4", false);
  ASSERT_TRUE(port);
  EXPECT_EQ(port->address.toString(), "192.168.1.212");
  EXPECT_EQ(port->port, 198 * 256 + 4);
  auto pasv = parseFtpHostPort("Entering Passive Mode (90,130,70,73,95,203).", true);
  ASSERT_TRUE(pasv);
  EXPECT_EQ(pasv->address.toString(), "90.130.70.73");
  EXPECT_EQ(pasv->port, 24523);
  EXPECT_TRUE(parseFtpHostPort("=10,0,0,1,4,1", true)) << "servers word the reply as they like";
}

TEST(FtpDataAddress, MalformedOnesAreRefused) {
  EXPECT_FALSE(parseFtpHostPort("10,0,0,1,4", false));
  EXPECT_FALSE(parseFtpHostPort("10,0,0,256,4,1", false));
  EXPECT_FALSE(parseFtpHostPort("Entering Passive Mode", true));
  EXPECT_FALSE(parseFtpHostPort("99999999999999999999,0,0,1,4,1", false));
  EXPECT_FALSE(parseFtpEprt("|3|10.0.0.1|21|"));
  EXPECT_FALSE(parseFtpEprt("|1|10.0.0.1|70000|"));
  EXPECT_FALSE(parseFtpEprt("|1|not-an-address|21|"));
  EXPECT_FALSE(parseFtpEpsvReply("Entering Extended Passive Mode (|||6446)"));
}

TEST(FtpDataAddress, ExtendedFormsTakeIpv6) {
  auto v4 = parseFtpEprt("|1|132.235.1.2|6275|");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address.toString(), "132.235.1.2");
  EXPECT_EQ(v4->port, 6275);
  auto v6 = parseFtpEprt("!2!1080::8:800:200C:417A!5282!");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address.family, 6);
  EXPECT_EQ(v6->port, 5282);
  auto epsv = parseFtpEpsvReply("Entering Extended Passive Mode (|||6446|)");
  ASSERT_TRUE(epsv);
  EXPECT_EQ(epsv->address.family, 0) << "EPSV names no address";
  EXPECT_EQ(epsv->port, 6446);
}

}  // namespace
}  // namespace mamori
