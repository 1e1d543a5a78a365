#include "applayer/smtp_protocol.h"

#include <algorithm>

#include "applayer/line_framer.h"
#include "applayer/mime_header_value.h"
#include "applayer/smtp_session.h"

namespace mamori {
namespace {

class SmtpFlowParser final : public AppProtocolParser {
 public:
  SmtpFlowParser()
      : lines_{LineFramer(SmtpProtocol::kMaxLine), LineFramer(SmtpProtocol::kMaxLine)}, chunk_(SmtpProtocol::kMaxLine) {}

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    const int d = static_cast<int>(dir);
    if (broken_[d]) return;
    size_t at = 0;
    while (at < len && !session_.tlsStarted()) {
      if (dir == Direction::ToServer && session_.chunkLeft()) {
        // BDAT: the chunk's bytes are the message's, lines or not.
        const size_t n = static_cast<size_t>(std::min<uint64_t>(len - at, session_.chunkLeft()));
        chunk_.feed(data + at, n, [&](std::string_view line, bool cut) { session_.line(dir, line, cut, sink); },
                    [] { return false; });
        if (n == session_.chunkLeft() && session_.lastChunk()) chunk_.flush([&](std::string_view line, bool cut) { session_.line(dir, line, cut, sink); });
        session_.chunkRead(n, sink);
        at += n;
        continue;
      }
      at += lines_[d].feed(
          data + at, len - at, [&](std::string_view line, bool cut) { session_.line(dir, line, cut, sink); },
          [&] { return session_.tlsStarted() || (dir == Direction::ToServer && session_.chunkLeft()); });
    }
    if (session_.tlsStarted() && !change_.to) change_ = {"tls", len - at};
  }

  // A hole: what was being read of that direction cannot be trusted, nor anything after it.
  void onGap(Direction dir) override { broken_[static_cast<int>(dir)] = true; }
  void onEnd(ProtocolSink& sink) override { session_.onEnd(sink); }
  ProtocolChange protocolChange() const override { return change_; }

 private:
  LineFramer lines_[2];
  LineFramer chunk_;  // BDAT chunks' lines: a chunk may end mid-line, the next one goes on with it
  SmtpSession session_;
  bool broken_[2] = {false, false};
  ProtocolChange change_;
};

bool startsWithPrefixOf(std::string_view data, std::string_view word) {
  return startsWithNoCase(data, word.substr(0, std::min(data.size(), word.size())));
}

}  // namespace

ProbeResult SmtpProtocol::probe(uint8_t, Direction dir, const uint8_t* data, size_t len) const {
  const std::string_view bytes(reinterpret_cast<const char*>(data), std::min<size_t>(len, 5));
  if (dir == Direction::ToClient) {
    // FTP greets with 220 too: a greeting leaves it to the client's HELO, or to the ports.
    if (bytes.size() < 4) return startsWithPrefixOf(bytes, "220 ") ? ProbeResult::Unsure : ProbeResult::NoMatch;
    return bytes.substr(0, 3) == "220" && (bytes[3] == ' ' || bytes[3] == '-') ? ProbeResult::Unsure : ProbeResult::NoMatch;
  }
  const bool hello = startsWithPrefixOf(bytes, "EHLO") || startsWithPrefixOf(bytes, "HELO");
  if (!hello) return ProbeResult::NoMatch;
  if (bytes.size() < 5) return ProbeResult::Unsure;
  return bytes[4] == ' ' || bytes[4] == '\r' || bytes[4] == '\n' ? ProbeResult::Match : ProbeResult::NoMatch;
}

// The parser, its three line buffers at their bound and its message decoder's headers at a
// usual size.
size_t SmtpProtocol::parserBytes() const { return sizeof(SmtpFlowParser) + 3 * kMaxLine + 8192; }

std::unique_ptr<AppProtocolParser> SmtpProtocol::newParser(uint8_t, AppMemory*) const {
  return std::make_unique<SmtpFlowParser>();
}

}  // namespace mamori
