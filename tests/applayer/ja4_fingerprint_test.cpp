// Ja4Fingerprint against the vectors of Suricata 8's own JA4 tests (rust/src/ja4.rs), which
// build a fingerprint field by field as the hello's decoder does, and the rules FoxIO's
// definition adds for the fields those vectors leave out.
#include "applayer/ja4_fingerprint.h"

#include <gtest/gtest.h>

#include <string>

namespace mamori {
namespace {

using Transport = Ja4Fingerprint::Transport;

std::string textOf(const Ja4Fingerprint& j) {
  std::string s;
  j.text(s);
  return s;
}

TEST(Ja4Fingerprint, EmptyHelloHashesEmptyLists) {
  EXPECT_EQ(textOf(Ja4Fingerprint(Transport::Tcp)), "t00i000000_e3b0c44298fc_e3b0c44298fc");
}

TEST(Ja4Fingerprint, SuricatasStepByStepVector) {
  Ja4Fingerprint j(Transport::Quic);
  j.offerVersion(0x0303);
  EXPECT_EQ(textOf(j), "q12i000000_e3b0c44298fc_e3b0c44298fc");
  j.addExtension(0x0a0a);  // GREASE: counts nowhere
  EXPECT_EQ(textOf(j), "q12i000000_e3b0c44298fc_e3b0c44298fc");
  j.addExtension(0x0000);  // SNI: counted, not hashed, and 'd'
  EXPECT_EQ(textOf(j), "q12d000100_e3b0c44298fc_e3b0c44298fc");
  j.setAlpn("h3-16");
  j.addExtension(16);  // ALPN: counted, not hashed
  EXPECT_EQ(textOf(j), "q12d0002h6_e3b0c44298fc_e3b0c44298fc");
  j.addCipher(0x1111);
  j.addCipher(0x0a20);
  j.addCipher(0xbada);
  EXPECT_EQ(textOf(j), "q12d0302h6_f500716053f9_e3b0c44298fc");
  j.addExtension(0xface);
  j.addExtension(0x0121);
  j.addExtension(0x1234);
  j.addSignatureAlgorithm(0x6666);
  EXPECT_EQ(textOf(j), "q12d0305h6_f500716053f9_2debc8880bae");
}

TEST(Ja4Fingerprint, CountsStopAt99) {
  Ja4Fingerprint j(Transport::Tcp);
  for (uint16_t i = 1; i < 200; ++i) {
    j.addCipher(i);
    j.addExtension(i);
  }
  EXPECT_EQ(textOf(j).substr(0, 10), "t00i999900");
}

TEST(Ja4Fingerprint, HighestNonGreaseVersionCounts) {
  Ja4Fingerprint j(Transport::Tcp);
  j.offerVersion(0x0303);  // the hello's legacy field
  j.offerVersion(0x7a7a);  // GREASE in supported_versions
  j.offerVersion(0x0304);
  j.offerVersion(0x0302);
  EXPECT_EQ(textOf(j).substr(0, 3), "t13");
  Ja4Fingerprint ssl3(Transport::Dtls);
  ssl3.offerVersion(0x0300);
  EXPECT_EQ(textOf(ssl3).substr(0, 3), "ds3");
}

TEST(Ja4Fingerprint, AlpnTakesTheFirstProtocolsEnds) {
  auto alpn = [](std::initializer_list<std::string_view> protocols) {
    Ja4Fingerprint j(Transport::Tcp);
    for (std::string_view p : protocols) j.setAlpn(p);
    return textOf(j).substr(8, 2);
  };
  EXPECT_EQ(alpn({"h2", "http/1.1"}), "h2");
  EXPECT_EQ(alpn({"http/1.1", "h2"}), "h1");
  EXPECT_EQ(alpn({"a"}), "00") << "one byte gives no pair";
  EXPECT_EQ(alpn({"aa"}), "aa");
  EXPECT_EQ(alpn({"\x0a\x0a"}), "00") << "a GREASE value is no protocol";
  EXPECT_EQ(alpn({std::string_view("\xab" "c\x09", 3)}), "a9") << "not alphanumeric: hex digits";
}

}  // namespace
}  // namespace mamori
