#pragma once
// What an HTTP response's headers say about the file its body is, for HTTP/1 (HttpParser)
// and HTTP/2 (Http2Parser) alike: the name a Content-Disposition gives, and the part of
// the whole a 206's Content-Range is.
#include <cstdint>
#include <string_view>

namespace mamori {

// The filename parameter ("attachment; filename=\"a b.pdf\""), unquoted, as Suricata
// takes it; empty without one.
std::string_view dispositionFilename(std::string_view value);
// A Content-Range value, "bytes 100-199/1000": the part's first and last byte and the
// whole's size (0 for "*", unknown); false for anything else.
bool parseContentRange(std::string_view value, uint64_t& start, uint64_t& end, uint64_t& total);

}  // namespace mamori
