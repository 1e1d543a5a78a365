#include "applayer/http_request_probe.h"

#include <gtest/gtest.h>

#include <string>

namespace mamori {
namespace {

bool looks(const std::string& s) { return looksLikeHttpRequest(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

TEST(HttpRequestProbe, TakesAnyMethodTokenWithARequestTarget) {
  for (const char* method : {"GET", "POST", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
                             "REPORT", "SEARCH", "MKCALENDAR", "VERSION-CONTROL", "BASELINE-CONTROL", "SUBSCRIBE",
                             "PURGE", "FOO_BAR"}) {
    EXPECT_TRUE(looks(std::string(method) + " /dav/file.txt HTTP/1.1\r\nHost: x\r\n\r\n")) << method;
  }
  EXPECT_TRUE(looks("OPTIONS * HTTP/1.1\r\n"));
  EXPECT_TRUE(looks("GET http://example.org/ HTTP/1.0\r\n"));
  EXPECT_TRUE(looks("CONNECT example.org:443 HTTP/1.1\r\n"));
  EXPECT_TRUE(looks("GET /index.html HTTP/0.9\n"));
  EXPECT_TRUE(looks("PROPFIND /a-very-long-path-cut-by-the-segment")) << "the line is not whole yet";
}

TEST(HttpRequestProbe, LeavesOtherProtocolsAndHttp2Out) {
  EXPECT_FALSE(looks("CWD /pub\r\n")) << "an FTP command: no HTTP version";
  EXPECT_FALSE(looks("EHLO mail.example.org\r\n"));
  EXPECT_FALSE(looks("INVITE sip:bob@example.org SIP/2.0\r\n"));
  EXPECT_FALSE(looks("OPTIONS rtsp://cam/stream RTSP/1.0\r\n"));
  EXPECT_FALSE(looks("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")) << "HTTP/2's preface";
  EXPECT_FALSE(looks("GET /x HTTP/2.0\r\n"));
  EXPECT_FALSE(looks("GE /x HTTP/1.1\r\n")) << "too short a method";
  EXPECT_FALSE(looks(std::string(40, 'A') + " /x HTTP/1.1\r\n")) << "too long a method";
  EXPECT_FALSE(looks("GET  /x HTTP/1.1\r\n"));
  EXPECT_FALSE(looks("GET "));
  EXPECT_FALSE(looks(std::string("\x16\x03\x01\x00\x10", 5)));
  EXPECT_FALSE(looks(""));
}

}  // namespace
}  // namespace mamori
