#pragma once
// The parts of a MIME header's value (RFC 2045 section 5.1, RFC 2183) a mail's decoder needs:
// a parameter (boundary, name, filename) with its quotes taken off, RFC 2231's extended form
// (filename*=utf-8''a%20b.pdf) percent-decoded, and RFC 2047 encoded words (=?utf-8?B?...?=,
// =?iso-8859-1?Q?...?=) decoded to their bytes, as Suricata's MIME decoder gives file names.
// Bounded: every output is at most `most` bytes (the rest is cut); nothing recurses.
#include <cstddef>
#include <string>
#include <string_view>

namespace mamori {

// The value of parameter `name` (lower-case) in `header` ("attachment; filename=\"a.pdf\""),
// into `out`; false when it has none. The extended form name* is taken too, decoded.
bool mimeParameter(std::string_view header, std::string_view name, std::string& out, size_t most);

// `text` with its RFC 2047 encoded words decoded (charset left as is), into `out`.
void decodeEncodedWords(std::string_view text, std::string& out, size_t most);

// Whether `text` starts with `prefix`, ignoring ASCII case.
bool startsWithNoCase(std::string_view text, std::string_view prefix);

}  // namespace mamori
