#include "applayer/http2_frame_reader.h"

#include <algorithm>
#include <cstring>

namespace mamori {

void Http2FrameReader::startFrame(Http2FrameSink& sink) {
  frame_.length = uint32_t{header_[0]} << 16 | uint32_t{header_[1]} << 8 | header_[2];
  frame_.type = header_[3];
  frame_.flags = header_[4];
  frame_.stream = (uint32_t{header_[5]} << 24 | uint32_t{header_[6]} << 16 | uint32_t{header_[7]} << 8 | header_[8]) &
                  0x7fffffffu;
  header_len_ = 0;
  left_ = frame_.length;
  padding_ = 0;
  gathering_ = false;
  if (frame_.type == http2::kData) {
    sink.onDataStart(frame_);
    state_ = (frame_.flags & http2::kPadded) ? State::DataPad : State::Data;
    gathering_ = sink.gatherData();
    if (gathering_) payload_.assign(reinterpret_cast<const char*>(header_), sizeof header_);
  } else if (frame_.length > max_buffered_) {
    sink.onOversized(frame_);
    state_ = State::Skip;
  } else {
    payload_.assign(reinterpret_cast<const char*>(header_), sizeof header_);
    state_ = State::Buffer;
  }
}

void Http2FrameReader::gather(const uint8_t* data, size_t n) {
  if (!gathering_) return;
  const size_t room = sizeof header_ + max_buffered_ - payload_.size();
  payload_.append(reinterpret_cast<const char*>(data), std::min(n, room));
}

bool Http2FrameReader::feed(const uint8_t* data, size_t len, Http2FrameSink& sink) {
  if (lost_) return false;
  while (len > 0 && preface_at_ < http2::kClientPreface.size()) {
    const size_t n = std::min(len, http2::kClientPreface.size() - preface_at_);
    if (std::memcmp(data, http2::kClientPreface.data() + preface_at_, n) != 0) {
      bad_preface_ = lost_ = true;
      return false;
    }
    preface_at_ += n;
    data += n;
    len -= n;
  }
  // A frame of no payload completes with its header: the loop runs once more for it.
  while (len > 0 || (state_ != State::Header && left_ == 0)) {
    switch (state_) {
      case State::Header: {
        const size_t n = std::min(len, sizeof header_ - header_len_);
        std::memcpy(header_ + header_len_, data, n);
        header_len_ += n;
        data += n;
        len -= n;
        if (header_len_ == sizeof header_) startFrame(sink);
        continue;
      }
      case State::DataPad:
        if (left_ == 0) {  // PADDED with no room for its pad length
          sink.onBadPadding(frame_);
          sink.onDataEnd(frame_);
          sink.onRawFrame(frame_, header_, sizeof header_);
          state_ = State::Header;
          continue;
        }
        gather(data, 1);
        padding_ = *data++;
        --len;
        --left_;
        if (padding_ > left_) {
          sink.onBadPadding(frame_);
          padding_ = left_;  // what remains is skipped as padding
        }
        state_ = State::Data;
        continue;
      case State::Data: {
        const size_t n = std::min<size_t>(len, left_ - padding_);
        if (n) sink.onData(frame_, data, n);
        gather(data, n);
        data += n;
        len -= n;
        left_ -= static_cast<uint32_t>(n);
        if (left_ == padding_) state_ = State::DataPadding;
        continue;
      }
      case State::DataPadding:
      case State::Skip: {
        const size_t n = std::min<size_t>(len, left_);
        if (state_ == State::DataPadding) gather(data, n);
        data += n;
        len -= n;
        left_ -= static_cast<uint32_t>(n);
        if (left_ == 0) {
          if (state_ == State::DataPadding) sink.onDataEnd(frame_);
          if (gathering_) sink.onRawFrame(frame_, reinterpret_cast<const uint8_t*>(payload_.data()), payload_.size());
          else sink.onRawFrame(frame_, header_, sizeof header_);
          state_ = State::Header;
        }
        continue;
      }
      case State::Buffer: {
        const size_t n = std::min<size_t>(len, left_);
        payload_.append(reinterpret_cast<const char*>(data), n);
        data += n;
        len -= n;
        left_ -= static_cast<uint32_t>(n);
        if (left_ == 0) {
          state_ = State::Header;
          const auto* bytes = reinterpret_cast<const uint8_t*>(payload_.data());
          sink.onFrame(frame_, bytes + sizeof header_, payload_.size() - sizeof header_);
          sink.onRawFrame(frame_, bytes, payload_.size());
        }
        continue;
      }
    }
  }
  return true;
}

}  // namespace mamori
