#pragma once
// Where an FTP data connection is to go, as the control connection announces it: a PORT
// or EPRT command's argument (the client listens: active mode, RFC 959 and 2428) or a 227
// or 229 reply to PASV or EPSV (the server listens: passive mode). EPSV names no address
// (the control connection's server's is meant).
#include <cstdint>
#include <optional>
#include <string_view>

#include "capture/ip_address.h"

namespace mamori {

struct FtpDataAddress {
  IpAddress address;  // family 0 when the announcement names none (EPSV)
  uint16_t port = 0;
};

// "h1,h2,h3,h4,p1,p2" (PORT's argument), anywhere in `text` for a 227 reply's text, whose
// wording servers choose ("Entering Passive Mode (10,0,0,1,195,80)." or without brackets).
std::optional<FtpDataAddress> parseFtpHostPort(std::string_view text, bool anywhere);
// EPRT's argument: "|1|10.0.0.1|6275|" or "|2|::1|6275|", any printable delimiter.
std::optional<FtpDataAddress> parseFtpEprt(std::string_view arg);
// A 229 reply's text: "Entering Extended Passive Mode (|||6446|)".
std::optional<FtpDataAddress> parseFtpEpsvReply(std::string_view text);

}  // namespace mamori
