// A mail with an attachment, sent over SMTP, through the whole sensor: the capture is written
// here (one TCP connection: greeting, pipelined envelope, DATA with a multipart message whose
// PDF is base64-encoded, QUIT), `mamori run` reads it with file rules and hashes on, and the
// EVE output must hold what a SOC relies on: the attachment's fileinfo record (its name, size,
// SHA-256 of the decoded bytes, app_proto smtp, libmagic's type), the smtp record with its
// email object naming the attachment, and the alerts of rules on filename, fileext, filemagic,
// file_data and the email / smtp buffers.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/eve_log.h"
#include "tests/support/test_support.h"

namespace mamori::test {
namespace {

// One TCP connection's frames (Ethernet / IPv4 / TCP, checksums left 0: the sensor reads
// pcaps as Suricata's -k none), with sequence and acknowledgement numbers kept.
class Connection {
 public:
  void open() {
    segment(true, 0x02, "");
    segment(false, 0x12, "");
    ++seq_[0], ++seq_[1];
    segment(true, 0x10, "");
  }
  void send(bool client, const std::string& data) {
    for (size_t at = 0; at < data.size(); at += 1400) {
      const std::string piece = data.substr(at, 1400);
      segment(client, 0x18, piece);
      seq_[client ? 0 : 1] += static_cast<uint32_t>(piece.size());
      segment(!client, 0x10, "");
    }
  }
  void write(const std::string& path) const {
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
    ASSERT_NE(d, nullptr);
    for (size_t i = 0; i < frames_.size(); ++i) {
      pcap_pkthdr h{};
      h.ts.tv_sec = 1700000000;
      h.ts.tv_usec = static_cast<suseconds_t>(i * 1000);
      h.caplen = h.len = static_cast<uint32_t>(frames_[i].size());
      pcap_dump(reinterpret_cast<u_char*>(d), &h, frames_[i].data());
    }
    pcap_dump_close(d);
    pcap_close(dead);
  }

 private:
  void segment(bool client, uint8_t flags, const std::string& payload) {
    std::vector<uint8_t> f(14 + 20 + 20 + payload.size(), 0);
    f[12] = 0x08;
    uint8_t* ip = &f[14];
    ip[0] = 0x45;
    const size_t total = 40 + payload.size();
    ip[2] = static_cast<uint8_t>(total >> 8), ip[3] = static_cast<uint8_t>(total);
    ip[8] = 64, ip[9] = 6;
    const uint8_t a[4] = {10, 0, 0, 5}, b[4] = {10, 0, 0, 25};
    std::copy(client ? a : b, (client ? a : b) + 4, ip + 12);
    std::copy(client ? b : a, (client ? b : a) + 4, ip + 16);
    uint8_t* tcp = ip + 20;
    const uint16_t sport = client ? 40000 : 25, dport = client ? 25 : 40000;
    tcp[0] = sport >> 8, tcp[1] = sport & 0xff, tcp[2] = dport >> 8, tcp[3] = dport & 0xff;
    const uint32_t seq = seq_[client ? 0 : 1], ack = (flags & 0x10) ? seq_[client ? 1 : 0] : 0;
    for (int i = 0; i < 4; ++i) tcp[4 + i] = static_cast<uint8_t>(seq >> (24 - 8 * i));
    for (int i = 0; i < 4; ++i) tcp[8 + i] = static_cast<uint8_t>(ack >> (24 - 8 * i));
    tcp[12] = 0x50, tcp[13] = flags, tcp[14] = 0xff, tcp[15] = 0xff;
    std::copy(payload.begin(), payload.end(), tcp + 20);
    frames_.push_back(std::move(f));
  }

  uint32_t seq_[2] = {1000, 5000};
  std::vector<std::vector<uint8_t>> frames_;
};

std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out += k[n >> 18 & 63];
    out += k[n >> 12 & 63];
    out += i + 1 < in.size() ? k[n >> 6 & 63] : '=';
    out += i + 2 < in.size() ? k[n & 63] : '=';
    if ((i / 3 + 1) % 19 == 0) out += "\r\n";  // 76-character lines
  }
  return out;
}

std::string hex(const unsigned char* p, size_t n) {
  std::string s;
  char b[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", p[i]);
    s += b;
  }
  return s;
}

TEST(SmtpMailFiles, AnAttachmentIsAFileWithItsNameHashesAndAlertsAndTheMailIsLogged) {
  std::string pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n";
  for (int i = 0; i < 200; ++i) pdf += "% filler line " + std::to_string(i) + "\n";
  pdf += "%%EOF\n";
  const std::string message =
      "From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: quarterly report\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n"
      "--XYZ\r\nContent-Type: text/plain\r\n\r\nsee the report, or http://example.net/r\r\n"
      "--XYZ\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      base64(pdf) + "\r\n--XYZ--\r\n.\r\n";
  Connection c;
  c.open();
  c.send(false, "220 mx.example.com ESMTP\r\n");
  c.send(true, "EHLO client.example.com\r\n");
  c.send(false, "250-mx.example.com\r\n250 PIPELINING\r\n");
  c.send(true, "MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
  c.send(false, "250 ok\r\n250 ok\r\n354 go ahead\r\n");
  c.send(true, message);
  c.send(false, "250 queued\r\n");
  c.send(true, "QUIT\r\n");
  c.send(false, "221 bye\r\n");
  const std::string dir = tempDir();
  ASSERT_NO_FATAL_FAILURE(c.write(dir + "/mail.pcap"));
  std::ofstream(dir + "/mail.rules")
      << "alert smtp any any -> any any (msg:\"name\"; filename:\"report.pdf\"; sid:1;)\n"
         "alert smtp any any -> any any (msg:\"ext\"; fileext:\"pdf\"; sid:2;)\n"
         "alert smtp any any -> any any (msg:\"magic\"; filemagic:\"PDF document\"; sid:3;)\n"
         "alert smtp any any -> any any (msg:\"data\"; file_data; content:\"/Type /Catalog\"; sid:4;)\n"
         "alert smtp any any -> any any (msg:\"subject\"; email.subject; content:\"quarterly\"; sid:5;)\n"
         "alert smtp any any -> any any (msg:\"from\"; smtp.mail_from; content:\"<alice@\"; sid:6;)\n"
         "alert smtp any any -> any any (msg:\"url\"; email.url; content:\"example.net/r\"; sid:7;)\n"
         "alert smtp any any -> any any (msg:\"not there\"; filename:\"other.pdf\"; sid:8;)\n";
  std::ofstream(dir + "/mamori.yaml") << "files:\n  hashes: [sha256]\n";
  std::string out;
  const int rc = runMamori(dir + "/mail.pcap", dir + "/eve.json",
                           "--rules " + dir + "/mail.rules --config " + dir + "/mamori.yaml", &out);
  ASSERT_EQ(rc, 0) << out;
  const EveLog log = EveLog::load(dir + "/eve.json");

  std::map<int64_t, int> alerts;
  for (const auto* a : log.ofType("alert")) ++alerts[EveLog::number(*a, "alert.signature_id")];
  EXPECT_EQ(alerts, (std::map<int64_t, int>{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}}));

  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(pdf.data()), pdf.size(), digest);
  const rapidjson::Value* attachment = nullptr;
  for (const auto* f : log.ofType("fileinfo")) {
    EXPECT_EQ(EveLog::string(*f, "app_proto"), "smtp");
    if (EveLog::string(*f, "fileinfo.filename") == "report.pdf") attachment = f;
  }
  ASSERT_NE(attachment, nullptr) << "the attachment's fileinfo";
  EXPECT_EQ(EveLog::number(*attachment, "fileinfo.size"), static_cast<int64_t>(pdf.size())) << "decoded bytes";
  EXPECT_EQ(EveLog::string(*attachment, "fileinfo.sha256"), hex(digest, sizeof digest));
  EXPECT_EQ(EveLog::string(*attachment, "fileinfo.state"), "CLOSED");
  EXPECT_EQ(log.ofType("fileinfo").size(), 2u) << "the text part and the attachment";

  const auto smtp = log.ofType("smtp");
  ASSERT_EQ(smtp.size(), 1u);
  EXPECT_EQ(EveLog::string(*smtp[0], "smtp.helo"), "client.example.com");
  EXPECT_EQ(EveLog::strings(*smtp[0], "smtp.rcpt_to"), std::vector<std::string>{"<bob@example.com>"});
  EXPECT_EQ(EveLog::string(*smtp[0], "email.status"), "PARSE_DONE");
  EXPECT_EQ(EveLog::string(*smtp[0], "email.from"), "Alice <alice@example.com>");
  EXPECT_EQ(EveLog::strings(*smtp[0], "email.to"), std::vector<std::string>{"bob@example.com"});
  EXPECT_EQ(EveLog::strings(*smtp[0], "email.attachment"), std::vector<std::string>{"report.pdf"});
  EXPECT_EQ(EveLog::strings(*smtp[0], "email.url"), std::vector<std::string>{"http://example.net/r"});
}

}  // namespace
}  // namespace mamori::test
