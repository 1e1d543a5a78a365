// Keywords on packet headers: ttl, ip_proto, itype, icode, icmp_id, icmp_seq, flags,
// seq, ack, window, dsize, fragbits, fragoffset, sameip, icmpv6.mtu, tcp.mss.
#include "rules/keyword_support.h"

namespace mamori::keywords {
namespace {

struct NumericKeyword {
  std::string_view name;
  std::optional<NumericTest> HeaderTests::*field;
  uint64_t max;
};

constexpr NumericKeyword kNumeric[] = {
    {"ttl", &HeaderTests::ttl, 255},           {"itype", &HeaderTests::itype, 255},
    {"icode", &HeaderTests::icode, 255},       {"icmp_id", &HeaderTests::icmp_id, 65535},
    {"icmp_seq", &HeaderTests::icmp_seq, 65535}, {"seq", &HeaderTests::seq, UINT32_MAX},
    {"ack", &HeaderTests::ack, UINT32_MAX},    {"window", &HeaderTests::window, 65535},
    {"dsize", &HeaderTests::dsize, 65535},     {"fragoffset", &HeaderTests::fragoffset, 8191},
    {"icmpv6.mtu", &HeaderTests::icmpv6_mtu, UINT32_MAX}, {"tcp.mss", &HeaderTests::tcp_mss, 65535},
};

bool applyNumeric(OptionContext& ctx, const RawOption& o) {
  for (const NumericKeyword& k : kNumeric) {
    if (k.name != o.name) continue;
    std::optional<NumericTest>& field = ctx.rule.header.*k.field;
    if (field) return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' given twice");
    NumericTest test;
    if (!parseNumericTest(o.value, k.max, test)) {
      return ctx.fail(o.value_offset, "invalid " + std::string(o.name) + " '" + std::string(o.value) +
                                          "' (0.." + std::to_string(k.max) + ", with < > <= >= ! or a-b)");
    }
    field = test;
    return true;
  }
  return ctx.fail(o.name_offset, "unsupported keyword '" + std::string(o.name) + "'");
}

bool applyIpProto(OptionContext& ctx, const RawOption& o) {
  static const std::pair<std::string_view, uint8_t> kNames[] = {
      {"icmp", 1}, {"igmp", 2}, {"tcp", 6}, {"udp", 17}, {"ipv6", 41}, {"gre", 47},
      {"esp", 50}, {"ah", 51}, {"ipv6-icmp", 58}, {"icmpv6", 58}, {"sctp", 132},
  };
  std::string_view value = o.value;
  std::string_view prefix;
  for (std::string_view p : {"<", ">", "!"}) {
    if (value.starts_with(p)) prefix = p;
  }
  std::string number(trim(value.substr(prefix.size())));
  if (std::optional<uint8_t> proto = lookup(kNames, number)) number = std::to_string(*proto);
  NumericTest test;
  if (!parseNumericTest(std::string(prefix) + number, 255, test) || test.op == NumericTest::Op::Range ||
      test.op == NumericTest::Op::NotRange) {
    return ctx.fail(o.value_offset, "invalid ip_proto '" + std::string(o.value) + "' (a number or name, with < > !)");
  }
  ctx.rule.header.ip_proto = test;
  return true;
}

// Leading modifier of flags / fragbits: '+' these and any others, '*' any of these,
// '!' none of these; without one, exactly these.
FlagTest::Mode flagMode(std::string_view& text) {
  if (text.empty()) return FlagTest::Mode::Exact;
  FlagTest::Mode mode = text[0] == '+' ? FlagTest::Mode::Plus
                        : text[0] == '*' ? FlagTest::Mode::Any
                        : text[0] == '!' ? FlagTest::Mode::Not
                                         : FlagTest::Mode::Exact;
  if (mode != FlagTest::Mode::Exact) text.remove_prefix(1);
  return mode;
}

bool flagBits(std::string_view text, std::string_view letters, const uint8_t* bits, uint8_t& out) {
  out = 0;
  for (char c : text) {
    size_t at = letters.find(c);
    if (at == std::string_view::npos) return false;
    out |= bits[at];
  }
  return true;
}

// flags:[modifier]<FSRPAUCE0 12>[,<mask>]; the modifier may also follow the letters.
bool applyFlags(OptionContext& ctx, const RawOption& o) {
  static constexpr std::string_view kLetters = "FSRPAUCE12";
  static constexpr uint8_t kBits[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x80, 0x40, 0x80, 0x40};
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() > 2) return ctx.fail(items[2].offset, "flags takes flags and one mask");
  std::string_view text = items[0].text;
  FlagTest test;
  test.mode = flagMode(text);
  if (test.mode == FlagTest::Mode::Exact && !text.empty() && (text.back() == '+' || text.back() == '*' || text.back() == '!')) {
    std::string_view tail = text.substr(text.size() - 1);
    test.mode = flagMode(tail);
    text.remove_suffix(1);
  }
  if (text == "0") {
    test.flags = 0;
  } else if (text.empty() || !flagBits(text, kLetters, kBits, test.flags)) {
    return ctx.fail(items[0].offset, "invalid flags '" + std::string(items[0].text) + "' (letters of FSRPAUCE12 or 0)");
  }
  if (items.size() == 2 && !flagBits(items[1].text, kLetters, kBits, test.ignored)) {
    return ctx.fail(items[1].offset, "invalid flags mask '" + std::string(items[1].text) + "'");
  }
  ctx.rule.header.flags = test;
  return true;
}

bool applyFragbits(OptionContext& ctx, const RawOption& o) {
  static constexpr std::string_view kLetters = "RMD";
  static constexpr uint8_t kBits[] = {0x01, 0x02, 0x04};
  std::string_view text = o.value;
  FlagTest test;
  test.mode = flagMode(text);
  if (text.empty() || !flagBits(text, kLetters, kBits, test.flags)) {
    return ctx.fail(o.value_offset, "invalid fragbits '" + std::string(o.value) + "' (letters of M D R)");
  }
  ctx.rule.header.fragbits = test;
  return true;
}

bool applySameip(OptionContext& ctx, const RawOption&) {
  ctx.rule.header.sameip = true;
  return true;
}

}  // namespace

void addPacketKeywords(KeywordTable& table) {
  for (const NumericKeyword& k : kNumeric) table.insert({k.name, {ValueRule::Required, applyNumeric}});
  table.insert({
      {"ip_proto", {ValueRule::Required, applyIpProto}},
      {"flags", {ValueRule::Required, applyFlags}},
      {"tcp.flags", {ValueRule::Required, applyFlags}},
      {"fragbits", {ValueRule::Required, applyFragbits}},
      {"sameip", {ValueRule::Forbidden, applySameip}},
  });
}

}  // namespace mamori::keywords
