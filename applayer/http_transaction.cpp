#include "applayer/http_transaction.h"

namespace mamori {

void Http2FrameValues::clear() {
  for (std::string* s : {&types, &error_codes, &priorities, &windows, &size_updates, &settings}) s->clear();
}

void Http2FrameValues::addType(uint8_t type) {
  if (types.find(static_cast<char>(type)) == std::string::npos) types.push_back(static_cast<char>(type));
}

void Http2FrameValues::add(std::string& run, uint64_t value, size_t width) {
  if (run.size() >= kMaxValues * width) return;
  for (size_t i = width; i-- > 0;) run.push_back(static_cast<char>(value >> (8 * i)));
}

void HttpTransaction::clear() {
  id = 0;
  http2_stream = 0;
  http2_request_error = http2_response_error = -1;
  http2_request_frames.clear();
  http2_response_frames.clear();
  for (std::string* s : {&method, &uri, &uri_raw, &protocol, &host, &host_raw, &user_agent, &referer, &cookie,
                         &request_content_type, &request_line, &request_headers, &request_header_names,
                         &request_headers_raw, &request_cookie_line, &request_body, &status_msg,
                         &response_protocol, &response_line, &response_headers, &response_header_names,
                         &response_headers_raw, &response_cookie_line, &response_content_type, &response_body,
                         &location}) {
    s->clear();
  }
  request_content_length = -1;
  status = 0;
  response_content_length = -1;
  response_body_bytes = 0;
  events.reset();
  new_events.reset();
  request_complete = false;
  response_complete = false;
}

}  // namespace mamori
