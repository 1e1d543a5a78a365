#include "detect/payload_verifier.h"

#include <algorithm>
#include <bit>

#include "detect/asn1_inspection.h"
#include "rules/base64_decode.h"
#include "detect/content_search.h"

namespace mamori {
namespace {

// Suricata gives up on a buffer after this many keyword evaluations, so that
// backtracking over many occurrences cannot take quadratic time or worse.
constexpr uint32_t kStepLimit = 3000;
// Offsets taken from the payload are capped so that arithmetic on them cannot overflow.
constexpr int64_t kMaxJump = int64_t{1} << 40;

bool isRelative(const PayloadMatch& m) {
  return std::visit(
      [](const auto& k) -> bool {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ContentMatch>) return k.relative();
        else if constexpr (std::is_same_v<K, PcreMatch> || std::is_same_v<K, IsDataAt>) return k.relative;
        // Suricata does not retry the content before a base64_decode or an asn1 at its next
        // occurrence.
        else if constexpr (std::is_same_v<K, Base64Decode> || std::is_same_v<K, Asn1Check> ||
                           std::is_same_v<K, DatasetTest>)
          return false;
        else return k.reader.relative;
      },
      m);
}

}  // namespace

PayloadVerifier::PayloadVerifier(uint32_t max_regex_captures, size_t max_variables, DatasetOverlay& datasets)
    : datasets_(datasets), regex_(max_regex_captures), variables_(max_variables, 0) {}

bool PayloadVerifier::matches(const std::vector<PayloadMatch>& chain, const std::vector<PayloadMatch>& base64_data,
                              const uint8_t* buffer, size_t length, int64_t origin) {
  match_end_ = 0;
  if (chain.empty()) return true;
  chain_ = &chain;
  base64_data_ = &base64_data;
  buffer_ = buffer;
  length_ = length;
  origin_ = std::clamp<int64_t>(origin, -kMaxJump, kMaxJump);
  steps_ = 0;
  return inspect(0, 0) == Result::Match;
}

bool PayloadVerifier::anchored(const std::vector<PayloadMatch>& chain) {
  return std::any_of(chain.begin(), chain.end(), [](const PayloadMatch& m) {
    if (const auto* c = std::get_if<ContentMatch>(&m)) return !c->relative() && (c->has_offset || c->has_depth || c->startswith);
    if (const auto* b = std::get_if<Base64Decode>(&m)) return !b->relative;
    return false;
  });
}

int64_t PayloadVerifier::valueOf(const RuleValue& v) const {
  if (v.variable < 0) return v.value;
  return static_cast<int64_t>(std::min<uint64_t>(variables_[v.variable], kMaxJump));
}

PayloadVerifier::Result PayloadVerifier::next(size_t index, size_t offset) {
  if (index + 1 < chain_->size()) return inspect(index + 1, offset);
  match_end_ = offset;
  return Result::Match;
}

PayloadVerifier::Result PayloadVerifier::inspect(size_t index, size_t offset) {
  if (++steps_ > kStepLimit) return Result::Discontinue;
  const PayloadMatch& m = (*chain_)[index];
  if (const auto* c = std::get_if<ContentMatch>(&m)) return inspectContent(*c, index, offset);
  if (const auto* p = std::get_if<PcreMatch>(&m)) return inspectPcre(*p, index, offset);
  if (const auto* d = std::get_if<IsDataAt>(&m)) return inspectIsDataAt(*d, index, offset);
  if (const auto* b = std::get_if<Base64Decode>(&m)) return inspectBase64(*b, offset);
  // A dataset tests the buffer's whole value, wherever the chain stands.
  if (const auto* d = std::get_if<DatasetTest>(&m)) {
    return datasets_.test(*d, {reinterpret_cast<const char*>(buffer_), length_}) ? next(index, offset)
                                                                                  : Result::NoMatch;
  }
  if (const auto* a = std::get_if<Asn1Check>(&m)) {
    return asn1CheckHolds(*a, buffer_, length_, offset) ? next(index, offset) : Result::NoMatch;
  }

  uint64_t value = 0;
  size_t end = 0;
  if (const auto* t = std::get_if<ByteTest>(&m)) {
    if (!readNumber(t->reader, offset, value, end, false)) return Result::NoMatch;
    const uint64_t operand = static_cast<uint64_t>(valueOf(t->value));
    bool ok = false;
    switch (t->op) {
      case ByteTest::Op::Lt: ok = value < operand; break;
      case ByteTest::Op::Gt: ok = value > operand; break;
      case ByteTest::Op::Eq: ok = value == operand; break;
      case ByteTest::Op::Le: ok = value <= operand; break;
      case ByteTest::Op::Ge: ok = value >= operand; break;
      case ByteTest::Op::And: ok = (value & operand) != 0; break;
      case ByteTest::Op::Xor: ok = (value ^ operand) != 0; break;
    }
    return ok != t->negated ? next(index, offset) : Result::NoMatch;
  }
  if (const auto* j = std::get_if<ByteJump>(&m)) {
    if (!readNumber(j->reader, offset, value, end, true)) return Result::NoMatch;
    int64_t jump = static_cast<int64_t>(std::min<uint64_t>(value, kMaxJump)) * j->multiplier;
    if (j->align && jump % 4 != 0) jump += 4 - jump % 4;
    jump += j->post_offset;
    int64_t target = j->from_beginning ? jump
                     : j->from_end     ? static_cast<int64_t>(length_) + jump
                                       : static_cast<int64_t>(end) + jump;
    // Before the buffer is clamped to its start; past its end is no match (Suricata 7).
    if (target < 0) target = 0;
    if (target > static_cast<int64_t>(length_)) return Result::NoMatch;
    return next(index, static_cast<size_t>(target));
  }
  if (const auto* e = std::get_if<ByteExtract>(&m)) {
    if (!readNumber(e->reader, offset, value, end, false)) return Result::NoMatch;
    value *= e->multiplier;
    if (e->align && value % e->align != 0) value += e->align - value % e->align;
    variables_[e->variable] = value;
    return next(index, end);
  }
  const auto& math = std::get<ByteMath>(m);
  if (!readNumber(math.reader, offset, value, end, false, false)) return Result::NoMatch;
  const uint64_t rvalue = static_cast<uint64_t>(valueOf(math.rvalue));
  switch (math.op) {
    case ByteMath::Op::Add: value += rvalue; break;
    case ByteMath::Op::Sub: value -= rvalue; break;
    case ByteMath::Op::Mul: value *= rvalue; break;
    case ByteMath::Op::Div:
      if (rvalue == 0) return Result::NoMatch;
      value /= rvalue;
      break;
    case ByteMath::Op::Shl: value = rvalue >= 64 ? 0 : value << rvalue; break;
    case ByteMath::Op::Shr: value = rvalue >= 64 ? 0 : value >> rvalue; break;
  }
  applyBitmask(math.reader, value);
  variables_[math.variable] = value;
  return next(index, end);
}

PayloadVerifier::Result PayloadVerifier::inspectContent(const ContentMatch& c, size_t index, size_t prev) {
  const int64_t n = static_cast<int64_t>(c.bytes.size());
  const int64_t length = static_cast<int64_t>(length_);
  const bool next_relative = index + 1 < chain_->size() && isRelative((*chain_)[index + 1]);
  const bool single = !c.relative() && !next_relative && !c.has_depth && !c.has_offset;
  int64_t retry_from = 0;
  for (;;) {
    int64_t start = 0, end = length;
    if (c.relative()) {
      start = static_cast<int64_t>(prev);
      const int64_t distance = c.has_distance ? valueOf(c.distance) : 0;
      start = distance < 0 && -distance > start ? 0 : start + distance;
      if (c.has_within) end = std::min(end, static_cast<int64_t>(prev) + valueOf(c.within) + distance);
    } else {
      // From the origin (depth counts from offset), then moved into the buffer.
      int64_t from = c.has_offset ? valueOf(c.offset) : 0;
      if (c.startswith) end = n + origin_;
      else if (c.has_depth) end = from + valueOf(c.depth) + origin_;
      // Unanchored, it may begin anywhere, the look-back before the origin included.
      if (c.has_offset || c.has_depth || c.startswith) start = std::max<int64_t>(from + origin_, 0);
    }
    if (retry_from != 0) start = retry_from;
    end = std::min(end, length);
    if (start > end || end <= 0) return c.negated ? next(index, prev) : Result::NoMatch;

    const uint8_t* found = nullptr;
    if (c.endswith) {
      // Only an occurrence that ends the buffer counts.
      if (end == length && length - n >= start &&
          findBytes(buffer_ + (length - n), static_cast<size_t>(n), c.bytes, c.nocase)) {
        found = buffer_ + (length - n);
      }
    } else {
      found = findBytes(buffer_ + start, static_cast<size_t>(end - start), c.bytes, c.nocase);
    }

    if (!found) {
      if (c.negated) return next(index, prev);
      // An absolute content that is absent stays absent whatever came before it.
      return c.relative() ? Result::NoMatch : Result::Discontinue;
    }
    if (c.negated) return single ? Result::Discontinue : Result::NoMatch;

    const int64_t at = found - buffer_;
    Result r = next(index, static_cast<size_t>(at + n));
    if (r != Result::NoMatch) return r;
    // Only a keyword placed after this one can gain from trying its next occurrence.
    if (!next_relative) return Result::Discontinue;
    retry_from = at + 1;
  }
}

PayloadVerifier::Result PayloadVerifier::inspectPcre(const PcreMatch& p, size_t index, size_t prev) {
  // A relative regex sees the buffer from the previous match on, so '^' anchors there.
  const size_t base = p.relative ? prev : 0;
  const bool next_relative = index + 1 < chain_->size() && isRelative((*chain_)[index + 1]);
  size_t search_from = base;
  for (;;) {
    size_t start = 0, end = 0;
    bool found = base <= length_ &&
                 regex_.search(*p.regex, buffer_ + base, length_ - base, search_from - base, start, end);
    if (p.negated) return found ? Result::NoMatch : next(index, prev);
    if (!found) return Result::NoMatch;
    if (!next_relative) return next(index, base + end);
    Result r = next(index, base + end);
    if (r != Result::NoMatch) return r;
    search_from = base + start + 1;
  }
}

PayloadVerifier::Result PayloadVerifier::inspectIsDataAt(const IsDataAt& d, size_t index, size_t prev) {
  const bool from_variable = d.position.variable >= 0;
  // A failure is final unless the position came from the payload, which a retry of an
  // earlier keyword may change.
  const Result fail = from_variable ? Result::NoMatch : Result::Discontinue;
  const int64_t at = valueOf(d.position);
  if (from_variable && at >= 100'000'000) return d.negated ? next(index, prev) : Result::NoMatch;
  const int64_t length = static_cast<int64_t>(length_);
  if (d.relative) {
    if (static_cast<int64_t>(prev) + at > length) return d.negated ? next(index, prev) : fail;
    return d.negated ? Result::NoMatch : next(index, prev);
  }
  if (at < length) return d.negated ? fail : next(index, prev);
  return d.negated ? next(index, prev) : fail;
}

// The decoded bytes are inspected by the rule's base64_data chain, whose result is the
// chain's: keywords after base64_decode in its own chain are never reached.
PayloadVerifier::Result PayloadVerifier::inspectBase64(const Base64Decode& d, size_t prev) {
  // An absolute offset counts from the stream's start, as content offsets do: data
  // starting before this buffer was decoded when the buffer holding it was inspected.
  const int64_t start = d.relative ? static_cast<int64_t>(prev) + d.offset : int64_t{d.offset} + origin_;
  if (start < 0 || start >= static_cast<int64_t>(length_)) return Result::NoMatch;
  const size_t at = static_cast<size_t>(start);
  const size_t take = std::min<size_t>(length_ - at, d.bytes);
  // Suricata's base64_decode is from_base64's RFC 4648 mode.
  const std::string_view encoded(reinterpret_cast<const char*>(buffer_ + at), take);
  if (!base64Decode(Transform::FromBase64::Mode::Rfc4648, encoded, decoded_) || base64_data_->empty()) {
    return Result::NoMatch;
  }

  const auto* chain = chain_;
  const uint8_t* buffer = buffer_;
  const size_t length = length_;
  const int64_t origin = origin_;
  chain_ = base64_data_;
  buffer_ = reinterpret_cast<const uint8_t*>(decoded_.data());
  length_ = decoded_.size();
  origin_ = 0;
  const Result r = inspect(0, 0);
  chain_ = chain;
  buffer_ = buffer;
  length_ = length;
  origin_ = origin;
  if (r != Result::Match) return Result::NoMatch;
  match_end_ = at + take;
  return Result::Match;
}

void PayloadVerifier::applyBitmask(const ByteReader& reader, uint64_t& value) {
  if (!reader.bitmask) return;
  value &= reader.bitmask;
  value >>= std::countr_zero(reader.bitmask);
}

bool PayloadVerifier::readNumber(const ByteReader& reader, size_t prev, uint64_t& value, size_t& end,
                                 bool exact_text, bool apply_bitmask) {
  size_t bytes = reader.bytes;
  if (reader.bytes_variable >= 0) {
    bytes = variables_[reader.bytes_variable];
    if (bytes == 0 || bytes > (reader.string ? 10u : 8u)) return false;
  }
  const int64_t pos = (reader.relative ? static_cast<int64_t>(prev) : 0) + valueOf(reader.offset);
  if (bytes == 0 && pos >= 0 && pos <= static_cast<int64_t>(length_)) bytes = length_ - static_cast<size_t>(pos);
  if (pos < 0 || pos + static_cast<int64_t>(bytes) > static_cast<int64_t>(length_)) return false;
  const uint8_t* p = buffer_ + pos;
  value = 0;
  size_t used = bytes;
  if (!reader.string) {
    for (size_t i = 0; i < bytes; ++i) {
      uint8_t byte = reader.endian == ByteEndian::Big ? p[i] : p[bytes - 1 - i];
      value = value << 8 | byte;
    }
  } else {
    // As strtoull over the field: leading blanks, then digits of the base.
    size_t i = 0;
    while (i < bytes && (p[i] == ' ' || p[i] == '\t')) ++i;
    size_t digits = 0;
    for (; i < bytes; ++i, ++digits) {
      uint8_t ch = p[i];
      int d = ch >= '0' && ch <= '9' ? ch - '0'
              : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                       : 99;
      if (d >= reader.base) break;
      // Out of range, as strtoull's ERANGE: no match.
      if (value > (UINT64_MAX - static_cast<uint64_t>(d)) / reader.base) return false;
      value = value * reader.base + static_cast<uint64_t>(d);
    }
    if (digits == 0 || (exact_text && i != bytes)) return false;
    used = i;
  }
  // byte_math masks its result, not what it read, as Suricata does.
  if (apply_bitmask) applyBitmask(reader, value);
  end = static_cast<size_t>(pos) + used;
  return true;
}

}  // namespace mamori
