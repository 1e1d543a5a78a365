#pragma once
// Who receives what HttpParser makes of a flow: EVE `http` records, the detection
// buffers, `fileinfo` records. A transaction passed in is valid only during the call.
#include "applayer/file_tracker.h"
#include "applayer/http_transaction.h"
#include "capture/direction.h"

namespace mamori {

class HttpSink {
 public:
  virtual ~HttpSink() = default;
  // A transaction's steps, in this order, each once: the request line and headers are in
  // (the points Suricata inspects them at, before any body); the request is complete; the
  // response's status line and headers are in; the response is complete. At flow end the
  // steps not reached come all the same, with what was seen. The header steps carry no
  // body yet; a sink that wants whole messages only takes onRequest and onResponse.
  virtual void onRequestHeaders(const HttpTransaction&) {}
  // The request line, headers and body are complete (or, at flow end, will never be).
  virtual void onRequest(const HttpTransaction& tx) = 0;
  virtual void onResponseHeaders(const HttpTransaction&) {}
  // The response is complete (or, at flow end, will never be); always after onRequest of
  // the same transaction, and the last call for it.
  virtual void onResponse(const HttpTransaction& tx) = 0;
  // A file the transaction carried has ended (a request's after onRequest, the
  // response's after onResponse): the sink reports it and must release it.
  virtual void onFile(const HttpTransaction&, FileTracker& files, FileTracker::Handle file) {
    files.release(file, false);
  }
  // HTTP/2: a frame of the connection (stream 0: SETTINGS, PING, GOAWAY, a connection's
  // WINDOW_UPDATE), which Suricata makes a transaction of one frame; `tx` holds its values
  // (Http2FrameValues) on the side that sent it, and nothing else.
  virtual void onConnectionFrame(Direction, const HttpTransaction&) {}
};

}  // namespace mamori
