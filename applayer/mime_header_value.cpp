#include "applayer/mime_header_value.h"

#include <algorithm>
#include <cctype>

#include "applayer/base64_stream.h"

namespace mamori {
namespace {

void put(std::string& out, char c, size_t most) {
  if (out.size() < most) out.push_back(c);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 2231: charset'language'percent-encoded-text.
void decodeExtended(std::string_view value, std::string& out, size_t most) {
  const size_t first = value.find('\'');
  const size_t second = first == std::string_view::npos ? first : value.find('\'', first + 1);
  if (second != std::string_view::npos) value.remove_prefix(second + 1);
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size() && hexDigit(value[i + 1]) >= 0 &&
        hexDigit(value[i + 2]) >= 0) {
      put(out, static_cast<char>(hexDigit(value[i + 1]) << 4 | hexDigit(value[i + 2])), most);
      i += 2;
    } else {
      put(out, value[i], most);
    }
  }
}

// One encoded word's text, B (base64) or Q (quoted-printable with _ for space).
void decodeWord(char encoding, std::string_view text, std::string& out, size_t most) {
  if (encoding == 'B' || encoding == 'b') {
    Base64Stream b64;
    std::string bytes;
    for (char c : text) b64.feed(c, bytes);
    b64.finish(bytes);
    for (char c : bytes) put(out, c, most);
    return;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      put(out, ' ', most);
    } else if (text[i] == '=' && i + 2 < text.size() && hexDigit(text[i + 1]) >= 0 &&
               hexDigit(text[i + 2]) >= 0) {
      put(out, static_cast<char>(hexDigit(text[i + 1]) << 4 | hexDigit(text[i + 2])), most);
      i += 2;
    } else {
      put(out, text[i], most);
    }
  }
}

}  // namespace

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool mimeParameter(std::string_view header, std::string_view name, std::string& out, size_t most) {
  out.clear();
  bool quoted = false;
  size_t start = 0;
  // Each ';'-separated parameter outside quotes; the first (the type or disposition) is not one.
  for (size_t i = 0; i <= header.size(); ++i) {
    if (i < header.size() && header[i] == '"' && (i == 0 || header[i - 1] != '\\')) quoted = !quoted;
    if (i < header.size() && (quoted || header[i] != ';')) continue;
    std::string_view param = trim(header.substr(start, i - start));
    start = i + 1;
    if (!startsWithNoCase(param, name) || param.size() <= name.size()) continue;
    std::string_view rest = param.substr(name.size());
    bool extended = false;
    if (rest.front() == '*') {
      extended = true;
      rest.remove_prefix(1);
      // A continued parameter (name*0*=) is taken from its first section only.
      while (!rest.empty() && (std::isdigit(static_cast<unsigned char>(rest.front())) || rest.front() == '*')) rest.remove_prefix(1);
    }
    rest = trim(rest);
    if (rest.empty() || rest.front() != '=') continue;
    std::string_view value = trim(rest.substr(1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (extended) {
      decodeExtended(value, out, most);
    } else {
      decodeEncodedWords(value, out, most);
    }
    return true;
  }
  return false;
}

void decodeEncodedWords(std::string_view text, std::string& out, size_t most) {
  out.clear();
  size_t i = 0;
  bool after_word = false;
  while (i < text.size()) {
    const size_t open = text.find("=?", i);
    if (open == std::string_view::npos) {
      for (; i < text.size(); ++i) put(out, text[i], most);
      break;
    }
    // =?charset?E?text?=
    const size_t q1 = text.find('?', open + 2);
    const size_t q2 = q1 == std::string_view::npos ? q1 : text.find('?', q1 + 1);
    const size_t close = q2 == std::string_view::npos ? q2 : text.find("?=", q2 + 1);
    if (close == std::string_view::npos || q2 != q1 + 2) {
      for (; i < open + 2; ++i) put(out, text[i], most);
      after_word = false;
      continue;
    }
    // White space between two encoded words is not part of the text (RFC 2047 section 6.2).
    const std::string_view between = text.substr(i, open - i);
    if (!(after_word && trim(between).empty())) {
      for (char c : between) put(out, c, most);
    }
    decodeWord(text[q1 + 1], text.substr(q2 + 1, close - q2 - 1), out, most);
    i = close + 2;
    after_word = true;
  }
}

}  // namespace mamori
