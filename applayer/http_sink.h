#pragma once
// Who receives what HttpParser makes of a flow: EVE `http` records, the detection
// buffers. A transaction passed in is valid only during the call.
#include "applayer/http_transaction.h"

namespace mamori {

class HttpSink {
 public:
  virtual ~HttpSink() = default;
  // The request line, headers and body are complete (or, at flow end, will never be).
  virtual void onRequest(const HttpTransaction& tx) = 0;
  // The response is complete (or, at flow end, will never be); always after onRequest of
  // the same transaction, and the last call for it.
  virtual void onResponse(const HttpTransaction& tx) = 0;
};

}  // namespace mamori
