#include "applayer/dcerpc_conversation.h"

#include <algorithm>

namespace mamori {
namespace {

// PluginStreamBuffers reports refusals to a ProtocolSink: they go to the call sink.
class MalformedTo final : public ProtocolSink {
 public:
  explicit MalformedTo(DcerpcCallSink& sink) : sink_(sink) {}
  void emit(Direction, const ProtocolTransaction&) override {}
  void malformed() override { sink_.malformed(); }

 private:
  DcerpcCallSink& sink_;
};

}  // namespace

DcerpcConversation::DcerpcConversation(AppMemory* memory)
    : stream_(memory, kMaxPdu), assembly_{Assembly(memory), Assembly(memory)} {}

void DcerpcConversation::onData(Direction dir, const uint8_t* data, size_t len, DcerpcCallSink& sink) {
  bool& resync = resync_[static_cast<int>(dir)];
  if (resync) {
    DcerpcPduHeader h;
    if (len < DcerpcPduHeader::kSize || !dcerpc_pdu::readHeader(data, h)) return;
    resync = false;
  }
  MalformedTo refusals(sink);
  stream_.onData(dir, data, len, refusals, [&](const uint8_t* bytes, size_t n) { return consume(dir, bytes, n, sink); });
}

void DcerpcConversation::onGap(Direction dir) {
  stream_.restart(dir);
  resync_[static_cast<int>(dir)] = true;
  Assembly& a = assembly_[static_cast<int>(dir)];
  a.active = false;
  a.stub.release();
}

void DcerpcConversation::onEnd(DcerpcCallSink& sink) {
  std::sort(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_count_),
            [](const Pending& a, const Pending& b) { return a.order < b.order; });
  for (size_t i = 0; i < pending_count_; ++i) reportUnreplied(pending_[i], sink);
  pending_count_ = 0;
  for (Assembly& a : assembly_) a.stub.release();
}

size_t DcerpcConversation::consume(Direction dir, const uint8_t* data, size_t len, DcerpcCallSink& sink) {
  size_t at = 0;
  while (len - at >= DcerpcPduHeader::kSize) {
    DcerpcPduHeader h;
    if (!dcerpc_pdu::readHeader(data + at, h)) {
      MalformedTo refusals(sink);
      stream_.giveUp(dir, refusals);
      return at;
    }
    if (len - at < h.frag_length) return at;
    pdu(dir, h, data + at, sink);
    at += h.frag_length;
  }
  return at;
}

void DcerpcConversation::pdu(Direction dir, const DcerpcPduHeader& h, const uint8_t* data, DcerpcCallSink& sink) {
  version_minor_ = h.version_minor;
  little_endian_ = h.little_endian;
  const auto type = static_cast<DcerpcPduType>(h.type);
  DcerpcPduCall body;
  switch (type) {
    case DcerpcPduType::Request:
    case DcerpcPduType::Response:
    case DcerpcPduType::Fault: {
      const bool ok = type == DcerpcPduType::Request ? dcerpc_pdu::readRequest(h, data, body)
                                                      : dcerpc_pdu::readResponse(h, data, body);
      if (!ok) return sink.malformed();
      if (type == DcerpcPduType::Fault) body.stub_length = 0;  // its status, not a stub
      return fragment(dir, h, body, sink);
    }
    case DcerpcPduType::Bind:
    case DcerpcPduType::AlterContext:
      return bind(dir, h, data, sink);
    case DcerpcPduType::BindAck:
    case DcerpcPduType::AlterContextResp:
    case DcerpcPduType::BindNak:
      return bindAck(dir, h, data, sink);
    default:
      return;  // auth3, shutdown, cancels, rts: no call of their own
  }
}

void DcerpcConversation::fragment(Direction dir, const DcerpcPduHeader& h, const DcerpcPduCall& body,
                                  DcerpcCallSink& sink) {
  Assembly& a = assembly_[static_cast<int>(dir)];
  const bool first = (h.flags & DcerpcPduHeader::kFirstFragment) != 0;
  if (first || !a.active || a.call_id != h.call_id) {
    // A new call; a fragment whose call's start was not seen starts one too, marked so.
    a.active = true;
    a.type = static_cast<DcerpcPduType>(h.type);
    a.call_id = h.call_id;
    a.context_id = body.context_id;
    a.opnum = body.opnum;
    a.first_fragment = first;
    a.fragments = 0;
    a.stub_size = 0;
    a.stub.bytes().clear();
  }
  ++a.fragments;
  a.stub_size += static_cast<uint32_t>(body.stub_length);
  std::vector<uint8_t>& kept = a.stub.bytes();
  const size_t room = kMaxStub - kept.size();
  const size_t take = std::min(room, body.stub_length);
  if (take && a.stub.reserve(kept.size() + take, kMaxStub)) kept.insert(kept.end(), body.stub, body.stub + take);
  if (!(h.flags & DcerpcPduHeader::kLastFragment)) return;
  if (a.type == DcerpcPduType::Request) {
    finishRequest(dir, a, sink);
  } else {
    finishResponse(dir, a, sink);
  }
  a.active = false;
  kept.clear();
}

void DcerpcConversation::startCall(DcerpcPduType type, uint32_t call_id) {
  call_ = DcerpcCall{};
  call_.type = type;
  call_.call_id = call_id;
  call_.rpc_version_minor = version_minor_;
  call_.little_endian = little_endian_;
}

DcerpcConversation::Pending DcerpcConversation::pendingOf(const Assembly& a) {
  return {a.type, a.call_id, a.context_id, a.opnum, a.first_fragment, a.fragments, a.stub_size, 0};
}

void DcerpcConversation::describeRequest(const Pending& p) {
  call_.request_seen = true;
  call_.request_type = p.type;
  call_.context_id = p.context_id;
  call_.opnum = p.opnum;
  call_.first_fragment = p.first_fragment;
  call_.request_fragments = p.fragments;
  call_.request_stub_size = p.stub_size;
}

std::string_view DcerpcConversation::stubOf(const Assembly& a) {
  return {reinterpret_cast<const char*>(a.stub.bytes().data()), a.stub.bytes().size()};
}

void DcerpcConversation::finishRequest(Direction dir, Assembly& a, DcerpcCallSink& sink) {
  const Pending request = pendingOf(a);
  startCall(DcerpcPduType::Request, a.call_id);
  describeRequest(request);
  call_.stub = stubOf(a);
  contextsOf(a.context_id);
  sink.call(dir, call_);
  remember(request, sink);
}

void DcerpcConversation::finishResponse(Direction dir, Assembly& a, DcerpcCallSink& sink) {
  startCall(a.type, a.call_id);
  call_.context_id = a.context_id;
  Pending request;
  if (answer(a.call_id, request)) describeRequest(request);
  call_.response_fragments = a.fragments;
  call_.response_stub_size = a.stub_size;
  call_.stub = stubOf(a);
  contextsOf(call_.context_id);
  sink.call(dir, call_);
}

void DcerpcConversation::bind(Direction dir, const DcerpcPduHeader& h, const uint8_t* data, DcerpcCallSink& sink) {
  std::array<DcerpcPduContext, kMaxContexts> offered;
  size_t count = 0;
  if (!dcerpc_pdu::readBind(h, data, offered, count)) return sink.malformed();
  if (count > offered.size()) {
    sink.malformed();  // more contexts than are kept: the rest are not tracked
    count = offered.size();
  }
  for (size_t i = 0; i < count; ++i) {
    const DcerpcPduContext& o = offered[i];
    // A context bound again replaces what it was; a new one takes a free slot if any.
    auto slot = std::find_if(contexts_.begin(), contexts_.begin() + static_cast<std::ptrdiff_t>(context_count_),
                             [&](const Context& c) { return c.iface.context_id == o.context_id; });
    if (slot == contexts_.begin() + static_cast<std::ptrdiff_t>(context_count_)) {
      if (context_count_ == contexts_.size()) {
        sink.malformed();
        continue;
      }
      ++context_count_;
    }
    slot->iface = DcerpcInterface{o.uuid, o.version, o.version_minor, o.context_id, false, 0,
                                  (h.flags & DcerpcPduHeader::kFirstFragment) != 0};
    slot->bind_call_id = h.call_id;
    slot->position = static_cast<uint8_t>(i);
  }
  startCall(static_cast<DcerpcPduType>(h.type), h.call_id);
  offeredBy(h.call_id);
  sink.call(dir, call_);
  remember({call_.type, h.call_id, 0, 0, false, 1, 0, 0}, sink);
}

void DcerpcConversation::bindAck(Direction dir, const DcerpcPduHeader& h, const uint8_t* data, DcerpcCallSink& sink) {
  std::array<uint16_t, kMaxContexts> results{};
  size_t count = 0;
  const auto type = static_cast<DcerpcPduType>(h.type);
  if (type != DcerpcPduType::BindNak && !dcerpc_pdu::readBindAck(h, data, results, count)) return sink.malformed();
  for (size_t i = 0; i < context_count_; ++i) {
    Context& c = contexts_[i];
    if (c.bind_call_id != h.call_id || c.iface.acked) continue;
    c.iface.acked = true;
    // A nak rejects them all (provider rejection); an ack lists one result per context.
    c.iface.result = type == DcerpcPduType::BindNak ? 2 : c.position < std::min(count, results.size()) ? results[c.position] : 2;
  }
  startCall(static_cast<DcerpcPduType>(h.type), h.call_id);
  Pending bound;
  if (answer(h.call_id, bound)) describeRequest(bound);
  offeredBy(h.call_id);
  sink.call(dir, call_);
}

void DcerpcConversation::remember(const Pending& p, DcerpcCallSink& sink) {
  if (pending_count_ == pending_.size()) {
    auto oldest = std::min_element(pending_.begin(), pending_.end(),
                                   [](const Pending& a, const Pending& b) { return a.order < b.order; });
    const Pending evicted = *oldest;
    *oldest = pending_[--pending_count_];
    reportUnreplied(evicted, sink);
  }
  pending_[pending_count_] = p;
  pending_[pending_count_++].order = next_order_++;
}

bool DcerpcConversation::answer(uint32_t call_id, Pending& out) {
  for (size_t i = 0; i < pending_count_; ++i) {
    if (pending_[i].call_id != call_id) continue;
    out = pending_[i];
    pending_[i] = pending_[--pending_count_];
    return true;
  }
  return false;
}

void DcerpcConversation::reportUnreplied(const Pending& p, DcerpcCallSink& sink) {
  startCall(p.type, p.call_id);
  describeRequest(p);
  call_.unreplied = true;
  if (p.type != DcerpcPduType::Request) {
    offeredBy(p.call_id);
  } else {
    contextsOf(p.context_id);
  }
  sink.call(Direction::ToClient, call_);
}

void DcerpcConversation::contextsOf(uint16_t context_id) {
  size_t n = 0;
  for (size_t i = 0; i < context_count_; ++i) {
    if (contexts_[i].iface.context_id == context_id) view_[n++] = contexts_[i].iface;
  }
  call_.interfaces = std::span<const DcerpcInterface>(view_.data(), n);
}

void DcerpcConversation::offeredBy(uint32_t call_id) {
  size_t n = 0;
  for (size_t i = 0; i < context_count_; ++i) {
    if (contexts_[i].bind_call_id == call_id) view_[n++] = contexts_[i].iface;
  }
  call_.interfaces = std::span<const DcerpcInterface>(view_.data(), n);
}

}  // namespace mamori
