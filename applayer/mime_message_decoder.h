#pragma once
// MimeMessageDecoder: one mail's message (RFC 5322 + MIME, RFC 2045/2046), a line at a time
// as SMTP's DATA or BDAT carries it, into what Suricata's MIME decoder gives: the message's
// headers (From, To, Cc, Subject, Date, Message-ID, X-Mailer, every Received), the URLs its
// text parts hold, and its parts as files through the ProtocolSink (openFile / appendFile /
// closeFile, as SMB's transfers): an attachment (a Content-Disposition filename or a
// Content-Type name, RFC 2231 / 2047 decoded) under its name, a body part (text, no name)
// unnamed. Base64 and quoted-printable are decoded; multipart nests at most kMaxDepth deep.
//
// Bounded: a header name past kMaxHeaderName, a value past kMaxHeaderValue, a boundary past
// kMaxBoundary, a filename past kMaxFilename are cut (and raise Suricata's mime_long_* events),
// at most kMaxUrls URLs and kMaxReceived Received headers are kept; a line past kMaxLine (an
// encoded one past kMaxEncodedLine) raises mime_long_line (mime_long_enc_line) and is decoded
// all the same. Nesting deeper than kMaxDepth raises mime_parse_failed; the deeper parts are
// read as their parent's body.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "applayer/app_protocol.h"
#include "applayer/base64_stream.h"

namespace mamori {

struct MimeMessageHeaders {
  std::string from, to, cc, subject, date, message_id, x_mailer;
  std::vector<std::string> received, urls, attachments;
  bool seen = false;  // the message's header block ended

  void clear();
};

class MimeMessageDecoder {
 public:
  static constexpr size_t kMaxDepth = 8;
  static constexpr size_t kMaxHeaderName = 75;
  static constexpr size_t kMaxHeaderValue = 2000;
  static constexpr size_t kMaxBoundary = 254;
  static constexpr size_t kMaxFilename = 255;
  static constexpr size_t kMaxLine = 998;
  static constexpr size_t kMaxEncodedLine = 76;
  static constexpr size_t kMaxUrls = 32;
  static constexpr size_t kMaxUrlLength = 1024;
  static constexpr size_t kMaxReceived = 16;
  static constexpr size_t kMaxAttachments = 32;

  // A new message of transaction `tx_id`, sent by `dir`.
  void begin(Direction dir, uint64_t tx_id);
  // The message's next line, without its line end.
  void line(std::string_view line, ProtocolSink& sink);
  // The message ended (`complete`: as its protocol says); its open file is closed.
  void end(bool complete, ProtocolSink& sink);

  bool active() const { return active_; }
  const MimeMessageHeaders& headers() const { return headers_; }
  // The events its lines raised since the last take.
  AppLayerEventSet takeEvents();

 private:
  enum class State : uint8_t { Headers, Body, Skip };
  enum class Encoding : uint8_t { None, Base64, QuotedPrintable };

  void headerLine(std::string_view line);
  void endHeader();
  void endHeaders(ProtocolSink& sink);
  void bodyLine(std::string_view line, ProtocolSink& sink);
  bool boundaryLine(std::string_view line, ProtocolSink& sink);
  void endPart(bool complete, ProtocolSink& sink);
  void startPart();
  void write(const char* data, size_t len, ProtocolSink& sink);
  void scanUrls(std::string_view text);
  void raiseEvent(AppLayerEvent e) { raise(events_, e); }

  Direction dir_ = Direction::ToServer;
  uint64_t tx_id_ = 0;
  bool active_ = false;
  State state_ = State::Headers;
  MimeMessageHeaders headers_;
  std::array<std::string, kMaxDepth> boundaries_;
  size_t depth_ = 0;
  bool top_ = true;  // the part being read is the message itself

  // The part being read.
  std::string header_;  // the header being read, folded lines joined
  std::string content_type_, disposition_, filename_, boundary_;
  Encoding encoding_ = Encoding::None;
  bool text_ = false;
  int32_t file_ = ProtocolSink::kNoFile;
  bool pending_crlf_ = false;  // a line break before the next line's bytes (not before a boundary)
  Base64Stream base64_;
  std::string decoded_, scratch_;

  AppLayerEventSet events_;
};

}  // namespace mamori
