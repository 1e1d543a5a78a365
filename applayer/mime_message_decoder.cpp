#include "applayer/mime_message_decoder.h"

#include <algorithm>
#include <cctype>

#include "applayer/mime_header_value.h"

namespace mamori {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Where a URL in text ends: white space, quotes and angle brackets (HTML and plain text).
bool endsUrl(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' || c == '>';
}

}  // namespace

void MimeMessageHeaders::clear() {
  for (std::string* s : {&from, &to, &cc, &subject, &date, &message_id, &x_mailer}) s->clear();
  received.clear();
  urls.clear();
  attachments.clear();
  seen = false;
}

void MimeMessageDecoder::begin(Direction dir, uint64_t tx_id) {
  dir_ = dir;
  tx_id_ = tx_id;
  active_ = true;
  headers_.clear();
  depth_ = 0;
  top_ = true;
  startPart();
}

AppLayerEventSet MimeMessageDecoder::takeEvents() {
  const AppLayerEventSet e = events_;
  events_.reset();
  return e;
}

void MimeMessageDecoder::startPart() {
  state_ = State::Headers;
  header_.clear();
  content_type_.clear();
  disposition_.clear();
  filename_.clear();
  boundary_.clear();
  encoding_ = Encoding::None;
  text_ = false;
  pending_crlf_ = false;
  base64_.reset();
}

void MimeMessageDecoder::line(std::string_view line, ProtocolSink& sink) {
  if (!active_) return;
  if (line.size() > kMaxLine) raiseEvent(AppLayerEvent::SmtpMimeLongLine);
  if (boundaryLine(line, sink)) return;
  switch (state_) {
    case State::Headers:
      if (line.empty()) {
        endHeaders(sink);
      } else {
        headerLine(line);
      }
      break;
    case State::Body: bodyLine(line, sink); break;
    case State::Skip: break;
  }
}

// A delimiter of an enclosing multipart ends the part being read: "--boundary" starts the
// next part, "--boundary--" closes that multipart (what follows is its epilogue).
bool MimeMessageDecoder::boundaryLine(std::string_view line, ProtocolSink& sink) {
  if (depth_ == 0 || line.size() < 3 || line[0] != '-' || line[1] != '-') return false;
  const std::string_view rest = line.substr(2);
  for (size_t i = depth_; i-- > 0;) {
    const std::string& b = boundaries_[i];
    if (rest.size() < b.size() || rest.compare(0, b.size(), b) != 0) continue;
    const std::string_view after = trimmed(rest.substr(b.size()));
    const bool closing = after.size() >= 2 && after[0] == '-' && after[1] == '-';
    if (!after.empty() && !closing) continue;
    endPart(true, sink);
    top_ = false;
    if (closing) {
      depth_ = i;
      state_ = State::Skip;
    } else {
      depth_ = i + 1;
      startPart();
    }
    return true;
  }
  return false;
}

void MimeMessageDecoder::headerLine(std::string_view line) {
  if ((line[0] == ' ' || line[0] == '\t') && !header_.empty()) {
    // A folded line continues the header being read.
    const size_t room = kMaxHeaderValue + kMaxHeaderName + 1 - std::min(header_.size(), kMaxHeaderValue + kMaxHeaderName + 1);
    if (line.size() > room) raiseEvent(AppLayerEvent::SmtpMimeLongHeaderValue);
    header_.append(line.substr(0, room));
    return;
  }
  endHeader();
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;  // not a header: Suricata skips it too
  std::string_view name = line.substr(0, colon);
  std::string_view value = line.substr(colon + 1);
  if (name.size() > kMaxHeaderName) {
    raiseEvent(AppLayerEvent::SmtpMimeLongHeaderName);
    name = name.substr(0, kMaxHeaderName);
  }
  if (value.size() > kMaxHeaderValue) {
    raiseEvent(AppLayerEvent::SmtpMimeLongHeaderValue);
    value = value.substr(0, kMaxHeaderValue);
  }
  header_.assign(name);
  header_.push_back(':');
  header_.append(value);
}

void MimeMessageDecoder::endHeader() {
  if (header_.empty()) return;
  const std::string_view all(header_);
  const size_t colon = all.find(':');
  const std::string_view name = trimmed(all.substr(0, colon));
  const std::string_view value = trimmed(all.substr(colon + 1));
  auto is = [&](std::string_view n) { return name.size() == n.size() && startsWithNoCase(name, n); };
  if (is("content-type")) {
    content_type_.assign(value);
    std::string boundary;
    if (mimeParameter(value, "boundary", boundary, kMaxBoundary + 1)) {
      if (boundary.size() > kMaxBoundary) {
        raiseEvent(AppLayerEvent::SmtpMimeBoundaryTooLong);
        boundary.resize(kMaxBoundary);
      }
      boundary_ = boundary;
    }
    if (filename_.empty()) mimeParameter(value, "name", filename_, kMaxFilename + 1);
  } else if (is("content-disposition")) {
    disposition_.assign(value);
    mimeParameter(value, "filename", filename_, kMaxFilename + 1);
  } else if (is("content-transfer-encoding")) {
    if (startsWithNoCase(value, "base64")) encoding_ = Encoding::Base64;
    if (startsWithNoCase(value, "quoted-printable")) encoding_ = Encoding::QuotedPrintable;
  } else if (top_) {
    if (is("from")) headers_.from.assign(value);
    else if (is("to")) headers_.to.assign(value);
    else if (is("cc")) headers_.cc.assign(value);
    else if (is("subject")) decodeEncodedWords(value, headers_.subject, kMaxHeaderValue);
    else if (is("date")) headers_.date.assign(value);
    else if (is("message-id")) headers_.message_id.assign(value);
    else if (is("x-mailer")) headers_.x_mailer.assign(value);
    else if (is("received") && headers_.received.size() < kMaxReceived) headers_.received.emplace_back(value);
  }
  header_.clear();
}

void MimeMessageDecoder::endHeaders(ProtocolSink& sink) {
  endHeader();
  if (top_) headers_.seen = true;
  if (filename_.size() > kMaxFilename) {
    raiseEvent(AppLayerEvent::SmtpMimeLongFilename);
    filename_.resize(kMaxFilename);
  }
  if (startsWithNoCase(content_type_, "multipart/") && !boundary_.empty()) {
    if (depth_ < kMaxDepth) {
      boundaries_[depth_++] = boundary_;
      state_ = State::Skip;  // the preamble
      return;
    }
    raiseEvent(AppLayerEvent::SmtpMimeParseFailed);
    content_type_.clear();  // its parts are read as a plain body
  }
  state_ = State::Body;
  // A part with no Content-Type is text/plain (RFC 2045 section 5.2).
  text_ = content_type_.empty() || startsWithNoCase(content_type_, "text/");
  if (!filename_.empty() && headers_.attachments.size() < kMaxAttachments) headers_.attachments.push_back(filename_);
  if (!filename_.empty() || text_) file_ = sink.openFile(dir_, tx_id_, filename_);
}

void MimeMessageDecoder::bodyLine(std::string_view line, ProtocolSink& sink) {
  decoded_.clear();
  switch (encoding_) {
    case Encoding::None:
      if (pending_crlf_) decoded_.append("\r\n");
      decoded_.append(line);
      pending_crlf_ = true;
      break;
    case Encoding::Base64: {
      if (line.size() > kMaxEncodedLine) raiseEvent(AppLayerEvent::SmtpMimeLongEncLine);
      for (char c : line) {
        if (c == '=' || c == ' ' || c == '\t') continue;  // padding, and space some senders leave
        if (!base64_.feed(c, decoded_)) raiseEvent(AppLayerEvent::SmtpMimeInvalidBase64);
      }
      if (line.find('=') != std::string_view::npos) base64_.finish(decoded_);
      break;
    }
    case Encoding::QuotedPrintable: {
      if (line.size() > kMaxEncodedLine) raiseEvent(AppLayerEvent::SmtpMimeLongEncLine);
      if (pending_crlf_) decoded_.append("\r\n");
      const bool soft = !line.empty() && line.back() == '=';
      if (soft) line.remove_suffix(1);
      for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] != '=') {
          decoded_.push_back(line[i]);
        } else if (i + 2 < line.size() && hexDigit(line[i + 1]) >= 0 && hexDigit(line[i + 2]) >= 0) {
          decoded_.push_back(static_cast<char>(hexDigit(line[i + 1]) << 4 | hexDigit(line[i + 2])));
          i += 2;
        } else {
          raiseEvent(AppLayerEvent::SmtpMimeInvalidQp);
          decoded_.push_back(line[i]);
        }
      }
      pending_crlf_ = !soft;
      break;
    }
  }
  if (text_) scanUrls(decoded_);
  write(decoded_.data(), decoded_.size(), sink);
}

void MimeMessageDecoder::write(const char* data, size_t len, ProtocolSink& sink) {
  if (file_ != ProtocolSink::kNoFile && len) sink.appendFile(file_, reinterpret_cast<const uint8_t*>(data), len);
}

// URLs as Suricata's MIME decoder finds them in text parts: from each http://, https:// or
// www. to the next space, quote or angle bracket.
void MimeMessageDecoder::scanUrls(std::string_view text) {
  for (size_t at = 0; at < text.size() && headers_.urls.size() < kMaxUrls;) {
    size_t found = std::string_view::npos;
    for (std::string_view prefix : {"http://", "https://", "www."}) {
      for (size_t i = at; i + prefix.size() <= text.size(); ++i) {
        if (i >= found) break;
        if ((text[i] == 'h' || text[i] == 'H' || text[i] == 'w' || text[i] == 'W') &&
            startsWithNoCase(text.substr(i), prefix)) {
          found = i;
          break;
        }
      }
    }
    if (found == std::string_view::npos) return;
    size_t end = found;
    while (end < text.size() && !endsUrl(text[end])) ++end;
    // Scanning on from the URL's end: a www. inside an http:// URL is not one of its own.
    headers_.urls.emplace_back(text.substr(found, std::min(end - found, kMaxUrlLength)));
    at = end;
  }
}

void MimeMessageDecoder::endPart(bool complete, ProtocolSink& sink) {
  endHeader();
  if (file_ != ProtocolSink::kNoFile) sink.closeFile(file_, complete, events_);
  file_ = ProtocolSink::kNoFile;
}

void MimeMessageDecoder::end(bool complete, ProtocolSink& sink) {
  if (!active_) return;
  if (state_ == State::Headers && top_) endHeaders(sink);
  endPart(complete, sink);
  active_ = false;
}

}  // namespace mamori
