#pragma once
// Renders the raw bytes of a DNS label (or TXT string) as text, the way tshark shows
// dns.qry.name, so names agree with the reference decoder analysts already use:
//  - printable ASCII as is (a '.' or '\' inside a label too: tshark does not escape them,
//    so "a.b" as one label reads like two labels);
//  - ASCII controls as C escapes (\a \b \f \n \r \t \v) or three-digit octal (\000, \177);
//  - well-formed UTF-8 as is, except non-printing code points (C1 controls, format
//    characters such as U+200B or U+202E, noncharacters) written \uXXXX (\UXXXXXXXX past
//    the BMP). Unassigned code points are not looked up and pass through, where tshark
//    would escape them;
//  - each ill-formed sequence (a lead byte with the continuation bytes that follow it, up to
//    the length the lead byte announces, F8..FD announcing the five- and six-byte forms of
//    the original UTF-8) as one U+FFFD. Like tshark, overlong forms are decoded rather than
//    rejected (C0 80 reads as \u0000).
// The result is always valid UTF-8 without control characters, safe to put in JSON.
#include <cstddef>
#include <cstdint>
#include <string>

namespace mamori {

void appendDnsLabelText(std::string& out, const uint8_t* label, size_t len);

}  // namespace mamori
