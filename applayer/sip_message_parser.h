#pragma once
// SipMessageParser: one SIP message (RFC 3261: a request or status line, header lines, an
// empty line, a body of Content-Length bytes) into the ProtocolTransaction detection and
// EVE take: the fields as Suricata 8's sip.* sticky buffers hold them (header values under
// their long names, the compact forms f/t/v/c/l/... mapped to them; a header that repeats is
// one buffer per instance) and the EVE `sip` object as Suricata writes it (method, uri,
// version, request_line / version, code, reason, response_line).
//
// Bounded: a message is at most what it is handed (a datagram, or what the TCP framing
// keeps); nothing is kept between calls but the caller's storage, which is reused.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "applayer/eve_object_writer.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

class SipMessageParser {
 public:
  enum class Status : uint8_t {
    Complete,    // a whole message: `consumed` bytes of the input
    Incomplete,  // its header block or body is not all there yet
    Malformed,   // not a SIP message
  };
  struct Result {
    Status status;
    size_t consumed = 0;
  };

  // `partial_body`: a datagram, whose body is what follows the headers even when
  // Content-Length says more (Suricata's UDP parser takes it so); over TCP the body must
  // be all there.
  Result parse(std::string_view data, bool partial_body, ProtocolTransaction& out);

  // Whether `data` starts like a SIP request or status line ("SIP/2.0 " or a method token,
  // a URI and "SIP/2.0" on the first line); Unsure (returned as nullopt) while that line is
  // not all there.
  enum class Looks : uint8_t { Sip, NotSip, TooShort };
  static Looks looksLikeSip(std::string_view data);

 private:
  struct StartLinePart {
    const char* keyword;
    const char* eve_key;
    std::string_view value;
  };
  void addStartLine(ProtocolTransaction& out, std::initializer_list<StartLinePart> parts);

  EveObjectWriter eve_;
};

}  // namespace mamori
