#include "applayer/ftp_protocol.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "applayer/ftp_data_address.h"
#include "applayer/ftp_line_reader.h"
#include "applayer/ftp_transaction.h"
#include "applayer/ftp_transaction_writer.h"
#include "applayer/tls_record_skipper.h"

namespace mamori {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Three digits and `after` at the start of `line`.
bool startsWithCode(std::string_view line, char after) {
  return line.size() >= 4 && isDigit(line[0]) && isDigit(line[1]) && isDigit(line[2]) && line[3] == after;
}

bool startsWithNoCase(const uint8_t* data, size_t len, std::string_view word) {
  const size_t n = std::min(len, word.size());
  for (size_t i = 0; i < n; ++i) {
    if (std::toupper(data[i]) != static_cast<unsigned char>(word[i])) return false;
  }
  return true;
}

bool containsNoCase(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         }) != text.end();
}

class FtpFlowParser final : public AppProtocolParser {
 public:
  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    const int d = static_cast<int>(dir);
    if (tls_[d]) {
      bool clear = false;
      const size_t used = tls_skippers_[d].skip(data, len, clear);
      if (!clear) return;
      tls_[d] = false;
      data += used;
      len -= used;
    }
    lines_[d].feed(data, len, [&](std::string_view line, bool truncated) {
      if (tls_[d]) return;
      if (dir == Direction::ToServer) {
        commandLine(line, truncated, sink);
      } else {
        replyLine(line, truncated, sink);
      }
    });
  }

  void onGap(Direction dir) override {
    lines_[static_cast<int>(dir)].reset();
    if (dir == Direction::ToClient) multi_line_ = false;
  }

  void onEnd(ProtocolSink& sink) override {
    while (open_count_) closeOldest(sink);
  }

 private:
  void commandLine(std::string_view line, bool truncated, ProtocolSink& sink) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) return;
    FtpTransaction& tx = opened(sink);
    tx.has_command = true;
    const size_t space = line.find(' ');
    const std::string_view verb = line.substr(0, space);
    for (char c : verb) tx.command.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (space != std::string_view::npos) tx.data.assign(line.substr(space + 1));
    tx.command_truncated = truncated;
    if (truncated) raise(tx.events, AppLayerEvent::FtpRequestCommandTooLong);
    const bool bounce = announcesPort(tx, sink);
    if (tx.command == "RETR" || tx.command == "STOR" || tx.command == "APPE") announceTransfer(line, sink);
    writer_.command(tx, bounce, record_);
    sink.emit(Direction::ToServer, record_);
  }

  // PORT / EPRT: the client's port for the data connection, taken when the reply comes.
  // Whether it names a host other than the client's: a bounce.
  bool announcesPort(FtpTransaction& tx, ProtocolSink& sink) {
    const bool port = tx.command == "PORT", eprt = tx.command == "EPRT";
    if (!port && !eprt) return false;
    const std::optional<FtpDataAddress> to = port ? parseFtpHostPort(tx.data, false) : parseFtpEprt(tx.data);
    if (!to || to->port == 0) return false;
    tx.dynamic_port = to->port;
    IpAddress client, server;
    return sink.endpoints(client, server) && !(to->address == client);
  }

  // RETR / STOR / APPE after a port was agreed: the data connection to it carries the file.
  void announceTransfer(std::string_view line, ProtocolSink& sink) {
    if (data_port_ == 0 || line.size() < 6) return;
    sink.expectConnection({"ftp-data", data_port_, line});
    data_port_ = 0;
  }

  void replyLine(std::string_view line, bool truncated, ProtocolSink& sink) {
    FtpTransaction* tx = oldestOpen();
    if (!tx) tx = &opened(sink);
    const bool coded = startsWithCode(line, ' ');
    const std::string_view code = coded ? line.substr(0, 3) : std::string_view();
    const std::string_view text = coded ? line.substr(4) : line;
    // A multi-line reply runs from "123-" to the line that starts "123 ".
    const bool opens = !multi_line_ && startsWithCode(line, '-');
    const bool ends = multi_line_ ? coded && code == std::string_view(multi_code_.data(), 3) : !opens;
    // Bounded in bytes and in lines (a flood of empty lines holds no bytes); the line that
    // ends the reply, with its code, is kept whatever came before.
    const size_t held = tx->replies.bytes.size() + tx->replies.fields.size() * sizeof(ProtocolField);
    if (ends || held + line.size() + 2 * sizeof(ProtocolField) <= FtpProtocol::kMaxHeld) {
      if (coded) tx->replies.add("ftp.completion_code", code);
      tx->replies.add("ftp.reply", text);
    } else {
      tx->reply_truncated = true;
    }
    if (truncated) {
      tx->reply_truncated = true;
      raise(tx->events, AppLayerEvent::FtpResponseCommandTooLong);
    }
    if (opens) {
      multi_line_ = true;
      std::memcpy(multi_code_.data(), line.data(), 3);
    }
    if (!ends) return;
    multi_line_ = false;
    if (line.size() >= 4 && line[0] == '1' && coded) {
      // Preliminary: the final reply is still to come, as is the transaction's record.
      writer_.reply(*tx, false, record_);
      sink.emit(Direction::ToClient, record_);
      return;
    }
    finalReply(*tx, line);
    tx->done = true;
    write(*tx, sink);
    close(*tx);
  }

  // What the final reply says of a data connection or of TLS.
  void finalReply(FtpTransaction& tx, std::string_view line) {
    if (tx.command == "PORT" || tx.command == "EPRT") {
      tx.has_mode = true;
      tx.active = true;
      data_port_ = tx.dynamic_port;
    } else if (tx.command == "PASV" || tx.command == "EPSV") {
      tx.has_mode = true;
      const bool pasv = tx.command == "PASV";
      if (startsWithCode(line, ' ') && line.substr(0, 3) == (pasv ? "227" : "229")) {
        const std::string_view text = line.substr(4);
        const std::optional<FtpDataAddress> at = pasv ? parseFtpHostPort(text, true) : parseFtpEpsvReply(text);
        if (at && at->port) tx.dynamic_port = data_port_ = at->port;
      }
    } else if (tx.command == "AUTH" && (containsNoCase(tx.data, "TLS") || containsNoCase(tx.data, "SSL")) &&
               line.substr(0, 4) == "234 ") {
      tls_[0] = tls_[1] = true;
      lines_[0].reset();
      lines_[1].reset();
    }
  }

  FtpTransaction* oldestOpen() {
    for (size_t i = 0; i < open_count_; ++i) {
      if (!open_[i].done) return &open_[i];
    }
    return nullptr;
  }

  FtpTransaction& opened(ProtocolSink& sink) {
    bool crowded = false;
    if (open_count_ == open_.size()) {
      closeOldest(sink);
      crowded = true;
    }
    FtpTransaction& tx = open_[open_count_++];
    tx.clear();
    tx.tx_id = next_tx_++;
    if (crowded) raise(tx.events, AppLayerEvent::FtpTooManyTransactions);
    return tx;
  }

  void closeOldest(ProtocolSink& sink) {
    write(open_[0], sink);
    close(open_[0]);
  }

  void write(FtpTransaction& tx, ProtocolSink& sink) {
    writer_.reply(tx, true, record_);
    sink.emit(Direction::ToClient, record_);
  }

  // Frees `tx`'s slot, keeping the others in the order they opened (and the storage).
  void close(FtpTransaction& tx) {
    size_t i = static_cast<size_t>(&tx - open_.data());
    for (; i + 1 < open_count_; ++i) std::swap(open_[i], open_[i + 1]);
    --open_count_;
  }

  FtpLineReader lines_[2];
  // After AUTH TLS: each side's TLS records stepped over until it speaks clear text again.
  bool tls_[2] = {false, false};
  TlsRecordSkipper tls_skippers_[2];
  bool multi_line_ = false;
  std::array<char, 3> multi_code_{};
  uint16_t data_port_ = 0;  // agreed for the next transfer
  std::array<FtpTransaction, FtpProtocol::kMaxOpen> open_;
  size_t open_count_ = 0;
  uint64_t next_tx_ = 0;
  FtpTransactionWriter writer_;
  ProtocolTransaction record_;
};

}  // namespace

ProbeResult FtpProtocol::probe(uint8_t, Direction dir, const uint8_t* data, size_t len) const {
  if (dir == Direction::ToServer) {
    for (std::string_view word : {"USER ", "PASS ", "PORT ", "FEAT"}) {
      if (startsWithNoCase(data, len, word)) return len < word.size() ? ProbeResult::Unsure : ProbeResult::Match;
    }
    // Another command word (AUTH TLS first, as an FTPS client sends) is FTP's on its port.
    size_t letters = 0;
    while (letters < len && letters < 5 && std::isalpha(data[letters])) ++letters;
    const bool word = letters >= 3 && letters <= 4 && letters < len && (data[letters] == ' ' || data[letters] == '\r');
    return word ? ProbeResult::Unsure : ProbeResult::NoMatch;
  }
  // "220" opens SMTP's greeting too, which names SMTP (RFC 5321 servers say "ESMTP"): that
  // one is left to port 21. A greeting is taken at once, or the session would be read
  // without it.
  if (!startsWithNoCase(data, len, "220")) return ProbeResult::NoMatch;
  if (len < 4) return ProbeResult::Unsure;
  if (data[3] != ' ' && data[3] != '-') return ProbeResult::NoMatch;
  const std::string_view first(reinterpret_cast<const char*>(data), std::min<size_t>(len, 256));
  const size_t lf = first.find('\n');
  if (lf == std::string_view::npos && len < 256) return ProbeResult::Unsure;
  const std::string_view line = first.substr(0, lf);
  if (containsNoCase(line, "SMTP") && !containsNoCase(line, "FTP")) return ProbeResult::Unsure;
  return ProbeResult::Match;
}

// The parser with its line buffers and open transactions at their bounds.
size_t FtpProtocol::parserBytes() const {
  return sizeof(FtpFlowParser) + kMaxOpen * (kMaxHeld + FtpLineReader::kMaxLine) + 1024;
}

std::unique_ptr<AppProtocolParser> FtpProtocol::newParser(uint8_t, AppMemory*) const {
  return std::make_unique<FtpFlowParser>();
}

}  // namespace mamori
