#include "applayer/smtp_protocol.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <string>
#include <vector>

#include "applayer/smtp_transaction.h"
#include "tests/applayer/eve_schema_check.h"
#include "tests/applayer/file_records.h"

namespace mamori {
namespace {

using test::FileRecords;

struct Conversation {
  std::unique_ptr<AppProtocolParser> parser = SmtpProtocol().newParser(AppProtocol::kTcp, nullptr);
  FileRecords sink;
  void client(const std::string& s) { parser->onData(Direction::ToServer, bytes(s), s.size(), sink); }
  void server(const std::string& s) { parser->onData(Direction::ToClient, bytes(s), s.size(), sink); }
  static const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
  const test::ProtocolRecords& r() const { return sink.records; }
  std::vector<std::string> values(size_t i, const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [field, value] : r().fields.at(i)) {
      if (field == name) out.push_back(value);
    }
    return out;
  }
  // The logged records' indexes.
  std::vector<size_t> logged() const {
    std::vector<size_t> out;
    for (size_t i = 0; i < r().logged.size(); ++i) {
      if (r().logged[i]) out.push_back(i);
    }
    return out;
  }
};

const std::string kMessage =
    "From: a@example.com\r\nTo: b@example.com\r\nSubject: test\r\n\r\nhello\r\n..dot stuffed\r\n.\r\n";

TEST(SmtpProtocol, PipelinedCommandsMakeOneTransactionPerMail) {
  Conversation c;
  c.server("220 mx.example.com ESMTP\r\n");
  c.client("EHLO client.example.com\r\n");
  c.server("250-mx.example.com\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
  c.client("MAIL FROM:<a@example.com> SIZE=100\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\n");
  ASSERT_EQ(c.r().dirs.size(), 1u) << "the envelope, inspected as the data starts";
  EXPECT_FALSE(c.r().logged[0]);
  EXPECT_EQ(c.values(0, "smtp.helo"), std::vector<std::string>{"client.example.com"});
  EXPECT_EQ(c.values(0, "smtp.mail_from"), std::vector<std::string>{"<a@example.com>"}) << "ESMTP parameters left out";
  EXPECT_EQ(c.values(0, "smtp.rcpt_to"), (std::vector<std::string>{"<b@example.com>", "<c@example.com>"}));
  c.server("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n");
  c.client(kMessage);
  c.server("250 queued\r\n");
  EXPECT_TRUE(std::none_of(c.r().dirs.begin(), c.r().dirs.end(), [](Direction d) { return d == Direction::ToClient; }))
      << "the data's end is answered: no reply is out of step";
  c.client("MAIL FROM:<d@example.com>\r\nRCPT TO:<e@example.com>\r\nDATA\r\n");
  c.server("250 ok\r\n250 ok\r\n354 go\r\n");
  c.client("Subject: second\r\n\r\nbody\r\n.\r\nQUIT\r\n");
  c.server("250 ok\r\n221 bye\r\n");
  c.parser->onEnd(c.sink);
  const auto logged = c.logged();
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_EQ(c.r().ids[logged[0]], 0u);
  EXPECT_EQ(c.r().ids[logged[1]], 1u);
  EXPECT_EQ(c.values(logged[0], "email.subject"), std::vector<std::string>{"test"});
  EXPECT_EQ(c.values(logged[0], "email.from"), std::vector<std::string>{"a@example.com"});
  EXPECT_TRUE(c.values(logged[0], "smtp.mail_from").empty()) << "inspected once, with the envelope";
  EXPECT_EQ(c.values(logged[1], "email.subject"), std::vector<std::string>{"second"});
  ASSERT_EQ(c.sink.files.size(), 2u);
  EXPECT_EQ(c.sink.files[0].bytes, "hello\r\n.dot stuffed") << "dot-stuffing undone";
  EXPECT_EQ(c.r().bad, 0);
  EXPECT_TRUE(c.r().events[logged[0]].none());

  const rapidjson::Document eve = c.r().json(logged[0]);
  EXPECT_STREQ(eve["helo"].GetString(), "client.example.com");
  EXPECT_STREQ(eve["mail_from"].GetString(), "<a@example.com>");
  EXPECT_EQ(eve["rcpt_to"].Size(), 2u);
  test::expectEveObjectsMatchSchema("smtp", {c.r().eve[logged[0]], c.r().eve[logged[1]]});
}

TEST(SmtpProtocol, RsetEndsTheMailAndQuitOpensNone) {
  Conversation c;
  c.server("220 hi\r\n");
  c.client("HELO me\r\nMAIL FROM:<a@x>\r\nRSET\r\nMAIL FROM:<b@x>\r\nRCPT TO:<c@x>\r\nRSET\r\nQUIT\r\n");
  c.server("250 a\r\n250 b\r\n250 c\r\n250 d\r\n250 e\r\n250 f\r\n221 g\r\n");
  c.parser->onEnd(c.sink);
  const auto logged = c.logged();
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_EQ(c.values(logged[0], "smtp.mail_from"), std::vector<std::string>{"<a@x>"});
  EXPECT_EQ(c.values(logged[1], "smtp.mail_from"), std::vector<std::string>{"<b@x>"});
  EXPECT_EQ(c.values(logged[1], "smtp.helo"), std::vector<std::string>{"me"}) << "the session's HELO on every mail";
  EXPECT_TRUE(c.sink.files.empty());
}

TEST(SmtpProtocol, BdatChunksCarryTheMessageBytesForBytes) {
  Conversation c;
  c.server("220 hi\r\n");
  c.client("EHLO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  const std::string part1 = "Subject: chunked\r\n\r\nfirst ha";
  const std::string part2 = "lf, second\r\nDATA is not a command here\r\n";
  c.client("BDAT " + std::to_string(part1.size()) + "\r\n" + part1);
  c.client("BDAT " + std::to_string(part2.size()) + " LAST\r\n" + part2 + "QUIT\r\n");
  c.server("250 a\r\n250 b\r\n250 c\r\n250 d\r\n250 e\r\n221 f\r\n");
  const auto logged = c.logged();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(c.values(logged[0], "email.subject"), std::vector<std::string>{"chunked"});
  ASSERT_EQ(c.sink.files.size(), 1u);
  EXPECT_EQ(c.sink.files[0].bytes, "first half, second\r\nDATA is not a command here") << "a line split over two chunks";
  EXPECT_TRUE(c.sink.files[0].complete);
  EXPECT_EQ(c.r().bad, 0);
}

TEST(SmtpProtocol, RepliesOutOfStepRaiseSuricatasEvents) {
  Conversation c;
  c.server("554 go away\r\n");
  c.client("EHLO me\r\n");
  c.server("250 ok\r\n250 unasked\r\nxyz\r\n");
  c.client("STARTTLS\r\n");
  c.server("454 not now\r\n");
  c.client("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  c.server("250 a\r\n250 b\r\n554 no data\r\n");
  c.client("RSET\r\n");
  ASSERT_EQ(c.logged().size(), 1u);
  EXPECT_TRUE(c.r().events[c.logged()[0]].none()) << "the replies' events are the server's";
  // Each on a record of the server's side, inspected at once, on the mail it answers.
  std::vector<AppLayerEvent> seen;
  for (size_t i = 0; i < c.r().dirs.size(); ++i) {
    if (c.r().dirs[i] != Direction::ToClient) continue;
    EXPECT_FALSE(c.r().logged[i]);
    EXPECT_EQ(c.r().ids[i], 0u);
    for (size_t e = 0; e < kAppLayerEventCount; ++e) {
      if (c.r().events[i].test(e)) seen.push_back(static_cast<AppLayerEvent>(e));
    }
  }
  EXPECT_EQ(seen, (std::vector<AppLayerEvent>{AppLayerEvent::SmtpNoServerWelcomeMessage,
                                              AppLayerEvent::SmtpUnableToMatchReplyWithRequest,
                                              AppLayerEvent::SmtpInvalidReply, AppLayerEvent::SmtpTlsRejected,
                                              AppLayerEvent::SmtpDataCommandRejected}));
  EXPECT_EQ(c.r().bad, 1) << "the reply without a code";
}

TEST(SmtpProtocol, ClientEventsAfterTheLastMailRideOnARecordOfTheirOwn) {
  Conversation c;
  c.server("220 hi\r\n");
  c.client("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  c.server("250 a\r\n250 b\r\n250 c\r\n354 d\r\n");
  c.client("\r\nbody\r\n.\r\n");
  c.server("250 queued\r\n");
  c.client(std::string(SmtpProtocol::kMaxLine + 10, 'x') + "\r\n");  // a line cut, no mail open
  ASSERT_EQ(c.logged().size(), 1u);
  EXPECT_TRUE(c.r().events[c.logged()[0]].none()) << "the mail had ended";
  c.parser->onEnd(c.sink);
  ASSERT_EQ(c.logged().size(), 2u) << "the line opened a transaction of its own, written at the end";
  EXPECT_TRUE(raised(c.r().events[c.logged()[1]], AppLayerEvent::SmtpTruncatedLine));
}

TEST(SmtpProtocol, StartTlsAcceptedHandsTheFlowOverToTls) {
  Conversation c;
  c.server("220 hi\r\n");
  c.client("EHLO me\r\nSTARTTLS\r\n");
  EXPECT_EQ(c.parser->protocolChange().to, nullptr);
  c.server("250 ok\r\n220 go ahead\r\n\x16\x03\x01");
  const ProtocolChange change = c.parser->protocolChange();
  ASSERT_NE(change.to, nullptr);
  EXPECT_STREQ(change.to, "tls");
  EXPECT_EQ(change.unread, 3u) << "the bytes past the 220 are the new protocol's";
  c.client("\x16\x03\x01\x02\x00 not smtp\r\nMAIL FROM:<x@y>\r\n");
  c.parser->onEnd(c.sink);
  const auto logged = c.logged();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_TRUE(c.values(logged[0], "smtp.mail_from").empty()) << "nothing read past STARTTLS";
}

TEST(SmtpProtocol, LongLinesAreCutAndTheRestSkipped) {
  Conversation c;
  c.server("220 hi\r\n");
  c.client("HELO " + std::string(SmtpProtocol::kMaxLine * 2, 'h'));
  c.client("h\r\nMAIL FROM:<a@x>\r\n");
  c.parser->onEnd(c.sink);
  const auto logged = c.logged();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_TRUE(raised(c.r().events[logged[0]], AppLayerEvent::SmtpTruncatedLine));
  EXPECT_EQ(c.values(logged[0], "smtp.helo")[0].size(), SmtpTransaction::kMaxArgument) << "an argument is cut shorter";
  EXPECT_EQ(c.values(logged[0], "smtp.mail_from"), std::vector<std::string>{"<a@x>"}) << "the next line is read";
}

TEST(SmtpProtocol, AMailCutByTheFlowsEndIsWrittenWithItsFileTruncated) {
  Conversation c;
  c.client("EHLO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  c.client("Subject: cut\r\nContent-Disposition: attachment; filename=x.bin\r\n\r\nsome");
  c.parser->onEnd(c.sink);
  const auto logged = c.logged();
  ASSERT_EQ(logged.size(), 1u);
  ASSERT_EQ(c.sink.files.size(), 1u);
  EXPECT_EQ(c.sink.files[0].name, "x.bin");
  EXPECT_FALSE(c.sink.files[0].complete);
  rapidjson::Document eve;
  eve.Parse(c.r().eve[logged[0]].c_str());
  EXPECT_TRUE(eve.IsObject());
}

TEST(SmtpProtocol, ProbeTellsGreetingsAndHellos) {
  const SmtpProtocol smtp;
  auto probe = [&](Direction d, const std::string& s) {
    return smtp.probe(AppProtocol::kTcp, d, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(probe(Direction::ToClient, "220 mx ESMTP\r\n"), ProbeResult::Unsure) << "an FTP server greets so too";
  EXPECT_EQ(probe(Direction::ToClient, "220-mx\r\n"), ProbeResult::Unsure);
  EXPECT_EQ(probe(Direction::ToClient, "22"), ProbeResult::Unsure);
  EXPECT_EQ(probe(Direction::ToClient, "230 ftp"), ProbeResult::NoMatch);
  EXPECT_EQ(probe(Direction::ToServer, "ehlo x\r\n"), ProbeResult::Match);
  EXPECT_EQ(probe(Direction::ToServer, "HELO\r\n"), ProbeResult::Match);
  EXPECT_EQ(probe(Direction::ToServer, "EHL"), ProbeResult::Unsure);
  EXPECT_EQ(probe(Direction::ToServer, "GET / HTTP/1.1\r\n"), ProbeResult::NoMatch);
}

}  // namespace
}  // namespace mamori
