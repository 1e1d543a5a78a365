#include "applayer/ftp_protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "applayer/ftp_line_reader.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/protocol_records.h"

namespace mamori {
namespace {

// The records a parser emits, and the connections it announces, for a flow between
// 10.0.0.1 (client) and 10.0.0.2 (server).
struct FtpSink final : ProtocolSink {
  void emit(Direction dir, const ProtocolTransaction& tx) override { records.emit(dir, tx); }
  void malformed() override { records.malformed(); }
  bool endpoints(IpAddress& client, IpAddress& server) const override {
    const uint8_t c[4] = {10, 0, 0, 1}, s[4] = {10, 0, 0, 2};
    client = IpAddress::v4(c);
    server = IpAddress::v4(s);
    return true;
  }
  bool expectConnection(const ExpectedConnection& c) override {
    expected.push_back({std::string(c.protocol), c.server_port, std::string(c.context)});
    return true;
  }
  struct Expected {
    std::string protocol;
    uint16_t port;
    std::string context;
  };
  std::vector<Expected> expected;
  test::ProtocolRecords records;
};

class FtpParserTest : public ::testing::Test {
 protected:
  void client(const std::string& s) { parser->onData(Direction::ToServer, bytes(s), s.size(), sink); }
  void server(const std::string& s) { parser->onData(Direction::ToClient, bytes(s), s.size(), sink); }
  static const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
  std::vector<std::string> values(size_t record, const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [field, value] : rec.fields.at(record)) {
      if (field == name) out.push_back(value);
    }
    return out;
  }
  static std::string be32(uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  }

  std::unique_ptr<AppProtocolParser> parser = FtpProtocol().newParser(AppProtocol::kTcp, nullptr);
  FtpSink sink;
  test::ProtocolRecords& rec = sink.records;
};

TEST_F(FtpParserTest, TheGreetingIsATransactionOfItsOwnAndEachCommandOneWithItsReply) {
  server("220 (vsFTPd 3.0.3)\r\n");
  ASSERT_EQ(rec.dirs.size(), 1u);
  EXPECT_TRUE(rec.logged[0]);
  EXPECT_EQ(values(0, "ftp.completion_code"), std::vector<std::string>{"220"});
  EXPECT_EQ(values(0, "ftp.reply"), std::vector<std::string>{"(vsFTPd 3.0.3)"});
  EXPECT_TRUE(values(0, "ftp.reply_received").empty()) << "no command: ftp.reply_received never matches it";
  EXPECT_FALSE(rec.json(0).HasMember("command"));

  client("USER anonymous\r\n");
  ASSERT_EQ(rec.dirs.size(), 2u);
  EXPECT_EQ(rec.dirs[1], Direction::ToServer);
  EXPECT_FALSE(rec.logged[1]) << "inspected at once, logged with its reply";
  EXPECT_EQ(values(1, "ftp.command"), std::vector<std::string>{"USER"});
  EXPECT_EQ(values(1, "ftp.command_data"), std::vector<std::string>{"anonymous"});

  server("331 Please specify the password.\r\n");
  ASSERT_EQ(rec.dirs.size(), 3u);
  EXPECT_EQ(rec.ids[2], rec.ids[1]);
  EXPECT_EQ(rec.dirs[2], Direction::ToClient);
  EXPECT_EQ(values(2, "ftp.reply_received"), std::vector<std::string>{be32(1)});
  const auto eve = rec.json(2);
  EXPECT_STREQ(eve["command"].GetString(), "USER");
  EXPECT_STREQ(eve["command_data"].GetString(), "anonymous");
  EXPECT_STREQ(eve["completion_code"][0].GetString(), "331");
  EXPECT_STREQ(eve["reply"][0].GetString(), "Please specify the password.");
  EXPECT_STREQ(eve["reply_received"].GetString(), "yes");
  EXPECT_FALSE(eve["reply_truncated"].GetBool());
  test::expectEveObjectsMatchSchema("ftp", {rec.eve[0], rec.eve[2]});
}

TEST_F(FtpParserTest, AMultiLineReplyEndsAtTheLineThatRepeatsItsCodeWithASpace) {
  client("FEAT\r\n");
  server("211-Features:\r\n EPRT\r\n MDTM\r\n");
  EXPECT_EQ(rec.dirs.size(), 1u) << "still in the reply";
  server("211 End\r\n");
  ASSERT_EQ(rec.dirs.size(), 2u);
  EXPECT_EQ(values(1, "ftp.completion_code"), std::vector<std::string>{"211"}) << "the lines Suricata gives a code";
  EXPECT_EQ(values(1, "ftp.reply"), (std::vector<std::string>{"211-Features:", " EPRT", " MDTM", "End"}));
}

TEST_F(FtpParserTest, APreliminaryReplyKeepsTheTransactionOpenAndIsInspectedAsNotReplied) {
  client("RETR a.zip\r\n");
  server("150 Opening BINARY mode data connection\r\n");
  ASSERT_EQ(rec.dirs.size(), 2u);
  EXPECT_FALSE(rec.logged[1]);
  EXPECT_EQ(values(1, "ftp.reply_received"), std::vector<std::string>{be32(0)});
  server("226 Transfer complete.\r\n");
  ASSERT_EQ(rec.dirs.size(), 3u);
  EXPECT_TRUE(rec.logged[2]);
  EXPECT_EQ(values(2, "ftp.completion_code"), (std::vector<std::string>{"150", "226"}));
  EXPECT_EQ(values(2, "ftp.reply_received"), std::vector<std::string>{be32(1)});
}

TEST_F(FtpParserTest, ACommandNeverAnsweredIsWrittenAtTheFlowsEndAsNotReplied) {
  client("NOOP\r\n");
  parser->onEnd(sink);
  ASSERT_EQ(rec.dirs.size(), 2u);
  EXPECT_TRUE(rec.logged[1]);
  EXPECT_STREQ(rec.json(1)["reply_received"].GetString(), "no");
  EXPECT_EQ(values(1, "ftp.reply_received"), std::vector<std::string>{be32(0)});
}

TEST_F(FtpParserTest, PassiveModeAnnouncesTheDataConnectionForTheTransferThatFollows) {
  client("PASV\r\n");
  server("227 Entering Passive Mode (10,0,0,2,95,203).\r\n");
  ASSERT_EQ(rec.dirs.size(), 2u);
  EXPECT_EQ(values(1, "ftp.mode"), std::vector<std::string>{be32(0)});
  EXPECT_EQ(values(1, "ftp.dynamic_port"), std::vector<std::string>{be32(24523)});
  EXPECT_STREQ(rec.json(1)["mode"].GetString(), "passive");
  EXPECT_EQ(rec.json(1)["dynamic_port"].GetUint(), 24523u);
  EXPECT_TRUE(sink.expected.empty()) << "announced by the transfer command";
  client("RETR 1MB.zip\r\n");
  ASSERT_EQ(sink.expected.size(), 1u);
  EXPECT_EQ(sink.expected[0].protocol, "ftp-data");
  EXPECT_EQ(sink.expected[0].port, 24523);
  EXPECT_EQ(sink.expected[0].context, "RETR 1MB.zip");
  client("RETR again.zip\r\n");
  EXPECT_EQ(sink.expected.size(), 1u) << "each agreed port serves one transfer";
}

TEST_F(FtpParserTest, ExtendedPassiveAndActiveModesToo) {
  client("EPSV\r\n");
  server("229 Entering Extended Passive Mode (|||6446|)\r\n");
  client("STOR up.txt\r\n");
  server("226 Transfer complete.\r\n");
  client("EPRT |1|10.0.0.1|6275|\r\n");
  server("200 EPRT command successful.\r\n");
  client("APPE log.txt\r\n");
  ASSERT_EQ(sink.expected.size(), 2u);
  EXPECT_EQ(sink.expected[0].port, 6446);
  EXPECT_EQ(sink.expected[1].port, 6275);
  EXPECT_EQ(sink.expected[1].context, "APPE log.txt");
  const auto eprt = rec.json(rec.eve.size() - 2);
  EXPECT_STREQ(eprt["mode"].GetString(), "active");
}

TEST_F(FtpParserTest, APortNamingAnotherHostThanTheClientIsABounce) {
  client("PORT 10,0,0,1,4,1\r\n");
  EXPECT_TRUE(values(0, "ftpbounce").empty());
  client("PORT 192,168,7,9,0,25\r\n");
  EXPECT_EQ(values(1, "ftpbounce"), std::vector<std::string>{be32(1)});
  client("EPRT |2|::1|25|\r\n");
  EXPECT_EQ(values(2, "ftpbounce"), std::vector<std::string>{be32(1)});
}

TEST_F(FtpParserTest, LinesPastTheLimitAreCutMarkedAndRaiseTheirEvents) {
  client("STOR " + std::string(5000, 'a') + "\r\n");
  ASSERT_EQ(rec.dirs.size(), 1u);
  EXPECT_TRUE(rec.events[0].test(static_cast<size_t>(AppLayerEvent::FtpRequestCommandTooLong)));
  EXPECT_EQ(values(0, "ftp.command_data")[0].size(), FtpLineReader::kMaxLine - 5);
  server("550 " + std::string(3000, 'b'));
  server(std::string(3000, 'b') + "\r\n");
  ASSERT_EQ(rec.dirs.size(), 2u);
  EXPECT_TRUE(rec.events[1].test(static_cast<size_t>(AppLayerEvent::FtpResponseCommandTooLong)));
  EXPECT_FALSE(rec.events[1].test(static_cast<size_t>(AppLayerEvent::FtpRequestCommandTooLong)))
      << "each event rides on one record";
  const auto eve = rec.json(1);
  EXPECT_TRUE(eve["command_truncated"].GetBool());
  EXPECT_TRUE(eve["reply_truncated"].GetBool());
  client("QUIT\r\n");
  EXPECT_EQ(values(2, "ftp.command"), std::vector<std::string>{"QUIT"}) << "the next line is read whole";
}

TEST_F(FtpParserTest, AReplyKeepsABoundedNumberOfLinesEvenEmptyOnes) {
  client("HELP\r\n");
  server("214-Help\r\n");
  for (int i = 0; i < 100000; ++i) server("\r\n");
  server("214 End\r\n");
  ASSERT_EQ(rec.dirs.size(), 2u);
  EXPECT_LE(rec.fields[1].size(), FtpProtocol::kMaxHeld / sizeof(ProtocolField) + 4) << "its final line and record fields";
  EXPECT_TRUE(rec.json(1)["reply_truncated"].GetBool());
  EXPECT_EQ(values(1, "ftp.completion_code"), std::vector<std::string>{"214"}) << "the final line is kept";
}

TEST_F(FtpParserTest, TooManyUnansweredCommandsWriteTheOldest) {
  for (size_t i = 0; i <= FtpProtocol::kMaxOpen; ++i) client("NOOP\r\n");
  size_t logged = 0;
  bool raised = false;
  for (size_t i = 0; i < rec.dirs.size(); ++i) {
    logged += rec.logged[i];
    raised |= rec.events[i].test(static_cast<size_t>(AppLayerEvent::FtpTooManyTransactions));
  }
  EXPECT_EQ(logged, 1u);
  EXPECT_TRUE(raised);
}

TEST_F(FtpParserTest, TlsAfterAuthTlsIsSteppedOverUntilClearTextResumes) {
  client("AUTH TLS\r\n");
  server("234 Proceed with negotiation.\r\n");
  const size_t before = rec.dirs.size();
  const std::string hello("\x16\x03\x01\x00\x0aUSER x\r\nAB", 15);  // a record whose body looks like a command
  client(hello.substr(0, 3));
  client(hello.substr(3));
  const std::string alert("\x15\x03\x01\x00\x02\x01\x00", 7);  // close_notify
  client(alert);
  EXPECT_EQ(rec.dirs.size(), before) << "nothing read inside TLS";
  client("PASV\r\n");
  ASSERT_EQ(rec.dirs.size(), before + 1) << "CCC: clear text again";
  EXPECT_EQ(values(before, "ftp.command"), std::vector<std::string>{"PASV"});
}

TEST(FtpProbe, TheGreetingOrAFirstCommandTellsFtp) {
  const FtpProtocol ftp;
  auto probe = [&](Direction dir, const std::string& s) {
    return ftp.probe(AppProtocol::kTcp, dir, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(probe(Direction::ToClient, "220 (vsFTPd 3.0.3)\r\n"), ProbeResult::Match);
  EXPECT_EQ(probe(Direction::ToClient, "220 ProFTPD Server ready\r\n"), ProbeResult::Match);
  EXPECT_EQ(probe(Direction::ToClient, "220 \"Authorized users only\"\r\n"), ProbeResult::Match);
  EXPECT_EQ(probe(Direction::ToClient, "220 mail.example.org ESMTP Postfix\r\n"), ProbeResult::Unsure)
      << "SMTP greets with 220 too: the port decides";
  EXPECT_EQ(probe(Direction::ToClient, "HTTP/1.1 200 OK\r\n"), ProbeResult::NoMatch);
  EXPECT_EQ(probe(Direction::ToServer, "user anonymous\r\n"), ProbeResult::Match);
  EXPECT_EQ(probe(Direction::ToServer, "US"), ProbeResult::Unsure);
  EXPECT_EQ(probe(Direction::ToServer, "AUTH TLS\r\n"), ProbeResult::Unsure) << "FTP on port 21";
  EXPECT_EQ(probe(Direction::ToServer, "\x16\x03\x01"), ProbeResult::NoMatch);
}

}  // namespace
}  // namespace mamori
