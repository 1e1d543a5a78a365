#include "applayer/mime_message_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "applayer/mime_header_value.h"
#include "tests/applayer/file_records.h"

namespace mamori {
namespace {

using test::FileRecords;

// Feeds `message` line by line (CRLF line ends) as SMTP's DATA hands it on, and ends it.
void decode(MimeMessageDecoder& d, const std::string& message, FileRecords& sink, bool complete = true) {
  d.begin(Direction::ToServer, 7);
  size_t at = 0;
  while (at < message.size()) {
    size_t nl = message.find("\r\n", at);
    if (nl == std::string::npos) nl = message.size();
    d.line(std::string_view(message).substr(at, nl - at), sink);
    at = nl + 2;
  }
  d.end(complete, sink);
}

const std::string kMultipart =
    "From: Alice <alice@example.com>\r\n"
    "To: bob@example.com, Carol <carol@example.com>\r\n"
    "Cc: dave@example.com\r\n"
    "Subject: =?utf-8?B?SGVsbG8gd29ybGQ=?=\r\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    "Message-ID: <1@example.com>\r\n"
    "X-Mailer: mutt\r\n"
    "Received: from a by b\r\n"
    "Received: from c\r\n"
    "  by d\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble, not a part\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "see http://evil.example/x.exe and=20more soft=\r\n"
    "break\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<a href=\"https://www.example.org/a\">x</a>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream; name=\"ignored.bin\"\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0x\r\n"
    "LjQK\r\n"
    "--outer\r\n"
    "Content-Type: application/zip; name*=utf-8''caf%C3%A9.zip\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "UEsDBA==\r\n"
    "--outer--\r\n"
    "epilogue\r\n";

TEST(MimeMessageDecoder, MessageHeadersAsSuricataTakesThem) {
  MimeMessageDecoder d;
  FileRecords sink;
  decode(d, kMultipart, sink);
  const MimeMessageHeaders& h = d.headers();
  EXPECT_TRUE(h.seen);
  EXPECT_EQ(h.from, "Alice <alice@example.com>");
  EXPECT_EQ(h.to, "bob@example.com, Carol <carol@example.com>");
  EXPECT_EQ(h.cc, "dave@example.com");
  EXPECT_EQ(h.subject, "Hello world") << "RFC 2047 decoded";
  EXPECT_EQ(h.date, "Mon, 1 Jan 2024 10:00:00 +0000");
  EXPECT_EQ(h.message_id, "<1@example.com>");
  EXPECT_EQ(h.x_mailer, "mutt");
  EXPECT_EQ(h.received, (std::vector<std::string>{"from a by b", "from c  by d"})) << "folded lines joined";
  EXPECT_TRUE(d.takeEvents().none());
}

TEST(MimeMessageDecoder, NestedPartsBecomeFilesDecodedWithTheirNames) {
  MimeMessageDecoder d;
  FileRecords sink;
  decode(d, kMultipart, sink);
  ASSERT_EQ(sink.files.size(), 4u);
  EXPECT_EQ(sink.files[0].name, "") << "a body part has no name";
  EXPECT_EQ(sink.files[0].bytes, "see http://evil.example/x.exe and more softbreak") << "quoted-printable, soft break";
  EXPECT_EQ(sink.files[1].bytes, "<a href=\"https://www.example.org/a\">x</a>");
  EXPECT_EQ(sink.files[2].name, "report.pdf") << "Content-Disposition's filename over Content-Type's name";
  EXPECT_EQ(sink.files[2].bytes, "%PDF-1.4\n") << "base64 across lines";
  EXPECT_EQ(sink.files[3].name, "caf\xc3\xa9.zip") << "RFC 2231";
  EXPECT_EQ(sink.files[3].bytes, std::string("PK\x03\x04", 4));
  for (const auto& f : sink.files) {
    EXPECT_TRUE(f.closed && f.complete);
    EXPECT_EQ(f.tx_id, 7u);
  }
  EXPECT_EQ(d.headers().attachments, (std::vector<std::string>{"report.pdf", "caf\xc3\xa9.zip"}));
  EXPECT_EQ(d.headers().urls, (std::vector<std::string>{"http://evil.example/x.exe", "https://www.example.org/a"}));
}

TEST(MimeMessageDecoder, APlainMessageIsOneBodyFileWithoutItsLastLineEnd) {
  MimeMessageDecoder d;
  FileRecords sink;
  decode(d, "Subject: hi\r\n\r\nline one\r\nline two\r\n", sink);
  ASSERT_EQ(sink.files.size(), 1u);
  EXPECT_EQ(sink.files[0].bytes, "line one\r\nline two") << "the last line end goes with the message's end";
}

TEST(MimeMessageDecoder, MalformedEncodingsRaiseSuricatasEvents) {
  MimeMessageDecoder d;
  FileRecords sink;
  decode(d,
         "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + std::string(80, 'A') + "\r\nQUJD!\r\n",
         sink);
  const AppLayerEventSet e = d.takeEvents();
  EXPECT_TRUE(raised(e, AppLayerEvent::SmtpMimeInvalidBase64));
  EXPECT_TRUE(raised(e, AppLayerEvent::SmtpMimeLongEncLine));
  decode(d, "Content-Transfer-Encoding: quoted-printable\r\n\r\nbad =ZZ escape\r\n", sink);
  EXPECT_TRUE(raised(d.takeEvents(), AppLayerEvent::SmtpMimeInvalidQp));
  EXPECT_EQ(sink.files.back().bytes, "bad =ZZ escape") << "kept as it is";
}

TEST(MimeMessageDecoder, BoundsCutAndRaise) {
  MimeMessageDecoder d;
  FileRecords sink;
  std::string m = std::string(100, 'X') + ": v\r\nSubject: " + std::string(3000, 's') + "\r\nContent-Type: multipart/mixed; boundary=" +
                  std::string(300, 'b') + "\r\nContent-Disposition: attachment; filename=" + std::string(400, 'f') + "\r\n\r\n" +
                  std::string(1200, 'l') + "\r\n";
  decode(d, m, sink);
  const AppLayerEventSet e = d.takeEvents();
  for (AppLayerEvent ev : {AppLayerEvent::SmtpMimeLongHeaderName, AppLayerEvent::SmtpMimeLongHeaderValue,
                           AppLayerEvent::SmtpMimeBoundaryTooLong, AppLayerEvent::SmtpMimeLongLine}) {
    EXPECT_TRUE(raised(e, ev)) << appLayerEventName(ev).name;
  }
  EXPECT_LE(d.headers().subject.size(), MimeMessageDecoder::kMaxHeaderValue);
  EXPECT_GE(d.headers().subject.size(), MimeMessageDecoder::kMaxHeaderValue - 1) << "the value's leading space is cut too";
}

TEST(MimeMessageDecoder, NestingPastTheBoundIsReadAsBodyAndRaisesParseFailed) {
  MimeMessageDecoder d;
  FileRecords sink;
  std::string m;
  for (size_t i = 0; i <= MimeMessageDecoder::kMaxDepth; ++i) {
    m += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
  }
  m += "Content-Type: text/plain\r\n\r\ndeep\r\n";
  decode(d, m, sink);
  EXPECT_TRUE(raised(d.takeEvents(), AppLayerEvent::SmtpMimeParseFailed));
  ASSERT_FALSE(sink.files.empty());
  EXPECT_NE(sink.files.back().bytes.find("deep"), std::string::npos);
}

TEST(MimeMessageDecoder, AMessageCutShortClosesItsFileTruncated) {
  MimeMessageDecoder d;
  FileRecords sink;
  decode(d, "Content-Disposition: attachment; filename=a.txt\r\n\r\npart", sink, false);
  ASSERT_EQ(sink.files.size(), 1u);
  EXPECT_TRUE(sink.files[0].closed);
  EXPECT_FALSE(sink.files[0].complete);
}

TEST(MimeHeaderValue, ParametersQuotedExtendedAndEncoded) {
  std::string out;
  EXPECT_TRUE(mimeParameter("attachment; filename=\"a; b.pdf\"", "filename", out, 255));
  EXPECT_EQ(out, "a; b.pdf");
  EXPECT_TRUE(mimeParameter("attachment; FILENAME*=iso-8859-1'en'%E9t%E9.txt", "filename", out, 255));
  EXPECT_EQ(out, "\xe9t\xe9.txt");
  EXPECT_TRUE(mimeParameter("text/plain; name==?iso-8859-1?Q?caf=E9_1.txt?=", "name", out, 255));
  EXPECT_EQ(out, "caf\xe9 1.txt");
  EXPECT_FALSE(mimeParameter("text/plain; charset=utf-8", "name", out, 255));
  EXPECT_TRUE(mimeParameter("x; filename=" + std::string(300, 'a'), "filename", out, 10));
  EXPECT_EQ(out.size(), 10u) << "bounded";
  decodeEncodedWords("=?utf-8?Q?a?= =?utf-8?Q?b?= c", out, 100);
  EXPECT_EQ(out, "ab c") << "space between encoded words dropped";
}

}  // namespace
}  // namespace mamori
