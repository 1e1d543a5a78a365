// Keywords on flow state: flow, flowbits, flowint, xbits, threshold, detection_filter,
// flow.pkts, flow.bytes, flow.age, stream_size.
#include <algorithm>
#include <cctype>

#include "rules/keyword_support.h"

namespace mamori::keywords {
namespace {

bool applyFlow(OptionContext& ctx, const RawOption& o) {
  FlowTests& f = ctx.rule.flow;
  for (const ValueItem& item : splitItems(o.value, o.value_offset)) {
    std::string_view v = item.text;
    if (v == "established") f.established = true;
    else if (v == "not_established") f.not_established = true;
    else if (v == "stateless") f.stateless = true;
    else if ((v == "to_server" || v == "from_client" || v == "to_client" || v == "from_server") &&
             ctx.rule.direction == RuleDirection::Transactional)
      return ctx.fail(item.offset, "a '=>' rule matches whole transactions: no flow direction (name a buffer's side, "
                                   "'file.data: to_client')");
    else if (v == "to_server" || v == "from_client") f.to_server = true;
    else if (v == "to_client" || v == "from_server") f.to_client = true;
    else if (v == "only_stream") f.only_stream = true;
    else if (v == "no_stream") f.no_stream = true;
    else if (v == "only_frag") f.only_frag = true;
    else if (v == "no_frag") f.no_frag = true;
    else return ctx.fail(item.offset, "invalid flow option '" + std::string(v) + "'");
  }
  if (f.to_server && f.to_client) return ctx.fail(o.value_offset, "flow cannot be both to_server and to_client");
  if (f.established + f.not_established + f.stateless > 1) {
    return ctx.fail(o.value_offset, "flow takes only one of established, not_established, stateless");
  }
  if (f.only_stream && f.no_stream) return ctx.fail(o.value_offset, "flow cannot be both only_stream and no_stream");
  if (f.only_frag && f.no_frag) return ctx.fail(o.value_offset, "flow cannot be both only_frag and no_frag");
  return true;
}

// flowbits:noalert | set|unset|toggle,a[&b...] | isset|isnotset,a[|b...] or a[&b...]
bool applyFlowbits(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items[0].text == "noalert") {
    if (items.size() > 1) return ctx.fail(items[1].offset, "flowbits:noalert takes no name");
    ctx.rule.noalert = true;
    return true;
  }
  static const std::pair<std::string_view, FlowbitOp::Cmd> kCmds[] = {
      {"set", FlowbitOp::Cmd::Set},       {"isset", FlowbitOp::Cmd::IsSet},
      {"isnotset", FlowbitOp::Cmd::IsNotSet}, {"unset", FlowbitOp::Cmd::Unset},
      {"toggle", FlowbitOp::Cmd::Toggle},
  };
  FlowbitOp op;
  std::optional<FlowbitOp::Cmd> cmd = lookup(kCmds, items[0].text);
  if (!cmd) return ctx.fail(items[0].offset, "invalid flowbits command '" + std::string(items[0].text) + "'");
  op.cmd = *cmd;
  if (items.size() != 2 || items[1].text.empty()) {
    return ctx.fail(o.value_offset, "flowbits:" + std::string(items[0].text) + " needs one name (or a group)");
  }
  const ValueItem& names = items[1];
  bool has_or = names.text.find('|') != std::string_view::npos;
  bool has_and = names.text.find('&') != std::string_view::npos;
  if (has_or && has_and) return ctx.fail(names.offset, "flowbits group mixes '|' and '&'");
  bool test = op.cmd == FlowbitOp::Cmd::IsSet || op.cmd == FlowbitOp::Cmd::IsNotSet;
  if (has_or && !test) return ctx.fail(names.offset, "flowbits '|' groups are for isset / isnotset only");
  op.any = has_or;
  for (const ValueItem& name : splitItems(names.text, names.offset, has_or ? '|' : '&')) {
    if (name.text.empty() || name.text.find_first_of(" \t") != std::string_view::npos) {
      return ctx.fail(name.offset, "invalid flowbit name '" + std::string(name.text) + "'");
    }
    op.names.emplace_back(name.text);
  }
  ctx.rule.flowbits.push_back(std::move(op));
  return true;
}

// flowint:name,op[,value]: = + - modify; == != < <= > >= compare; isset / notset test.
bool applyFlowint(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() < 2 || items[0].text.empty()) return ctx.fail(o.value_offset, "flowint needs a name and an operator");
  static const std::pair<std::string_view, FlowintOp::Cmd> kOps[] = {
      {"=", FlowintOp::Cmd::Assign}, {"+", FlowintOp::Cmd::Add},     {"-", FlowintOp::Cmd::Sub},
      {"==", FlowintOp::Cmd::Eq},    {"!=", FlowintOp::Cmd::Ne},     {"<", FlowintOp::Cmd::Lt},
      {"<=", FlowintOp::Cmd::Le},    {">", FlowintOp::Cmd::Gt},      {">=", FlowintOp::Cmd::Ge},
      {"isset", FlowintOp::Cmd::IsSet}, {"notset", FlowintOp::Cmd::NotSet}, {"isnotset", FlowintOp::Cmd::NotSet},
  };
  FlowintOp op;
  op.name = std::string(items[0].text);
  std::optional<FlowintOp::Cmd> cmd = lookup(kOps, items[1].text);
  if (!cmd) return ctx.fail(items[1].offset, "invalid flowint operator '" + std::string(items[1].text) + "'");
  op.cmd = *cmd;
  bool takes_value = op.cmd != FlowintOp::Cmd::IsSet && op.cmd != FlowintOp::Cmd::NotSet;
  if (items.size() != (takes_value ? 3u : 2u)) {
    return ctx.fail(o.value_offset, takes_value ? "flowint needs a name, an operator and a value"
                                                : "flowint isset / notset take no value");
  }
  if (takes_value && !parseInt64(items[2].text, op.value)) {
    if (items[2].text.empty() || std::isdigit(static_cast<unsigned char>(items[2].text[0]))) {
      return ctx.fail(items[2].offset, "invalid flowint value '" + std::string(items[2].text) + "'");
    }
    op.value_name = std::string(items[2].text);
  }
  ctx.rule.flowints.push_back(std::move(op));
  return true;
}

// xbits:CMD,NAME,track ip_src|ip_dst|ip_pair[,expire S]; xbits:noalert.
// iprep:any|src|dst|both,CATEGORY,<|>|=,SCORE or iprep:SIDE,CATEGORY,isset|isnotset.
bool applyIprep(OptionContext& ctx, const RawOption& o) {
  static constexpr std::pair<std::string_view, IpRepTest::Side> kSides[] = {
      {"any", IpRepTest::Side::Any}, {"src", IpRepTest::Side::Src}, {"dst", IpRepTest::Side::Dst},
      {"both", IpRepTest::Side::Both}};
  static constexpr std::pair<std::string_view, IpRepTest::Op> kOps[] = {
      {"<", IpRepTest::Op::Lt},         {">", IpRepTest::Op::Gt},           {"=", IpRepTest::Op::Eq},
      {"isset", IpRepTest::Op::IsSet}, {"isnotset", IpRepTest::Op::IsNotSet}};
  const std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() < 3) return ctx.fail(o.value_offset, "iprep needs SIDE,CATEGORY,OPERATOR[,SCORE]");
  IpRepTest test;
  const auto side = lookup(kSides, items[0].text);
  if (!side) return ctx.fail(items[0].offset, "invalid iprep side '" + std::string(items[0].text) + "' (any, src, dst, both)");
  test.side = *side;
  const auto op = lookup(kOps, items[2].text);
  if (!op) return ctx.fail(items[2].offset, "invalid iprep operator '" + std::string(items[2].text) + "' (<, >, =, isset, isnotset)");
  test.op = *op;
  const bool scored = *op != IpRepTest::Op::IsSet && *op != IpRepTest::Op::IsNotSet;
  if (items.size() != (scored ? 4u : 3u)) {
    return ctx.fail(o.value_offset, scored ? "iprep needs a score after its operator" : "iprep isset / isnotset take no score");
  }
  if (scored) {
    uint32_t score = 0;
    if (!parseUint32(items[3].text, score) || score > 127) {
      return ctx.fail(items[3].offset, "invalid iprep score '" + std::string(items[3].text) + "' (0-127)");
    }
    test.value = static_cast<uint8_t>(score);
  }
  std::string error;
  test.table = ctx.reputation->get(error);
  if (!test.table) return ctx.fail(o.value_offset, error);
  const auto category = test.table->category(std::string(items[1].text));
  if (!category) return ctx.fail(items[1].offset, "unknown iprep category '" + std::string(items[1].text) + "'");
  test.category = *category;
  ctx.rule.ipreps.push_back(std::move(test));
  return true;
}

bool applyXbits(OptionContext& ctx, const RawOption& o) {
  static const std::pair<std::string_view, XbitOp::Cmd> kCmds[] = {
      {"set", XbitOp::Cmd::Set},     {"isset", XbitOp::Cmd::IsSet},   {"isnotset", XbitOp::Cmd::IsNotSet},
      {"unset", XbitOp::Cmd::Unset}, {"toggle", XbitOp::Cmd::Toggle},
  };
  static const std::pair<std::string_view, XbitOp::Track> kTracks[] = {
      {"ip_src", XbitOp::Track::IpSrc}, {"ip_dst", XbitOp::Track::IpDst}, {"ip_pair", XbitOp::Track::IpPair},
  };
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() == 1 && items[0].text == "noalert") {
    ctx.rule.noalert = true;
    return true;
  }
  std::optional<XbitOp::Cmd> cmd = lookup(kCmds, items[0].text);
  if (!cmd) return ctx.fail(items[0].offset, "invalid xbits command '" + std::string(items[0].text) + "'");
  if (items.size() < 3) return ctx.fail(o.value_offset, "xbits needs a command, a name and a track");
  XbitOp op;
  op.cmd = *cmd;
  op.name = std::string(items[1].text);
  if (op.name.empty() || std::any_of(op.name.begin(), op.name.end(), isSpace)) {
    return ctx.fail(items[1].offset, "invalid xbits name '" + op.name + "'");
  }
  bool has_track = false;
  for (size_t i = 2; i < items.size(); ++i) {
    const size_t space = items[i].text.find(' ');
    const std::string_view key = items[i].text.substr(0, space);
    const std::string_view arg = space == std::string_view::npos ? std::string_view{} : trim(items[i].text.substr(space + 1));
    if (key == "track") {
      std::optional<XbitOp::Track> track = lookup(kTracks, arg);
      if (!track) return ctx.fail(items[i].offset, "invalid xbits track '" + std::string(arg) + "' (ip_src, ip_dst, ip_pair)");
      op.track = *track;
      has_track = true;
    } else if (key == "expire") {
      if (!parseUint32(arg, op.expire) || op.expire == 0) {
        return ctx.fail(items[i].offset, "invalid xbits expire '" + std::string(arg) + "'");
      }
    } else {
      return ctx.fail(items[i].offset, "invalid xbits option '" + std::string(items[i].text) + "'");
    }
  }
  if (!has_track) return ctx.fail(o.value_offset, "xbits needs a track (ip_src, ip_dst, ip_pair)");
  ctx.rule.xbits.push_back(std::move(op));
  return true;
}

// True when every protocol the rule can see has ports.
bool hasPortsOnly(const RuleProtocol& protocol) {
  std::bitset<256> ported;
  for (int proto : {6, 17, 132}) ported.set(proto);
  return protocol.ip_protocols.any() && (protocol.ip_protocols & ~ported).none();
}

// threshold: type T, track K, count N, seconds S | multiplier M (backoff) (any order);
// detection_filter: track K, count N, seconds S[, unique_on src_port|dst_port].
bool applyThreshold(OptionContext& ctx, const RawOption& o) {
  const bool filter = o.name == "detection_filter";
  std::optional<Threshold>& slot = filter ? ctx.rule.detection_filter : ctx.rule.threshold;
  if (slot) return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' given twice");
  Threshold t;
  bool has_type = filter, has_track = false, has_count = false, has_seconds = false;
  size_t track_at = o.value_offset, seconds_at = 0, multiplier_at = 0;
  for (const ValueItem& item : splitItems(o.value, o.value_offset)) {
    size_t space = item.text.find(' ');
    std::string_view key = item.text.substr(0, space);
    std::string_view arg = space == std::string_view::npos ? std::string_view{} : trim(item.text.substr(space + 1));
    if (key == "type" && !filter) {
      if (arg == "limit") t.type = Threshold::Type::Limit;
      else if (arg == "threshold") t.type = Threshold::Type::Threshold;
      else if (arg == "both") t.type = Threshold::Type::Both;
      else if (arg == "backoff") t.type = Threshold::Type::Backoff;
      else return ctx.fail(item.offset, "invalid threshold type '" + std::string(arg) + "' (limit, threshold, both, backoff)");
      has_type = true;
    } else if (key == "multiplier" && !filter) {
      if (!parseUint32(arg, t.multiplier) || t.multiplier == 0) {
        return ctx.fail(item.offset, "invalid multiplier '" + std::string(arg) + "'");
      }
      multiplier_at = item.offset;
    } else if (key == "unique_on" && filter) {
      if (arg == "src_port") t.unique_on = Threshold::UniqueOn::SrcPort;
      else if (arg == "dst_port") t.unique_on = Threshold::UniqueOn::DstPort;
      else return ctx.fail(item.offset, "invalid unique_on '" + std::string(arg) + "' (src_port, dst_port)");
      if (!hasPortsOnly(ctx.rule.protocol)) {
        return ctx.fail(item.offset, "unique_on needs a tcp, udp or sctp rule (ports to count)");
      }
    } else if (key == "track") {
      track_at = item.offset;
      if (arg == "by_src") t.track = Threshold::Track::BySrc;
      else if (arg == "by_dst") t.track = Threshold::Track::ByDst;
      else if (arg == "by_rule") t.track = Threshold::Track::ByRule;
      else if (arg == "by_both") t.track = Threshold::Track::ByBoth;
      else if (arg == "by_flow") t.track = Threshold::Track::ByFlow;
      else return ctx.fail(item.offset, "invalid track '" + std::string(arg) + "' (by_src, by_dst, by_rule, by_both, by_flow)");
      has_track = true;
    } else if (key == "count") {
      if (!parseUint32(arg, t.count) || t.count == 0) return ctx.fail(item.offset, "invalid count '" + std::string(arg) + "'");
      has_count = true;
    } else if (key == "seconds") {
      if (!parseUint32(arg, t.seconds) || t.seconds == 0) return ctx.fail(item.offset, "invalid seconds '" + std::string(arg) + "'");
      has_seconds = true;
      seconds_at = item.offset;
    } else {
      return ctx.fail(item.offset, "invalid " + std::string(o.name) + " option '" + std::string(item.text) + "'");
    }
  }
  if (t.type == Threshold::Type::Backoff) {
    if (has_track && t.track != Threshold::Track::ByFlow) return ctx.fail(track_at, "threshold backoff needs track by_flow");
    if (has_seconds) return ctx.fail(seconds_at, "threshold backoff takes a multiplier, not seconds");
    if (!has_track || !has_count || !t.multiplier) {
      return ctx.fail(o.value_offset, "threshold backoff needs track by_flow, count and multiplier");
    }
    slot = t;
    return true;
  }
  if (t.multiplier) return ctx.fail(multiplier_at, "multiplier is for threshold type backoff only");
  if (!has_type || !has_track || !has_count || !has_seconds) {
    return ctx.fail(o.value_offset, std::string(o.name) + (filter ? " needs track, count and seconds"
                                                                   : " needs type, track, count and seconds"));
  }
  slot = t;
  return true;
}

// flow.pkts / flow.bytes:toserver|toclient|either,<comparison>
bool applyFlowCounter(OptionContext& ctx, const RawOption& o) {
  std::optional<FlowCounterTest>& slot = o.name == "flow.pkts" ? ctx.rule.flow.packets : ctx.rule.flow.bytes;
  if (slot) return ctx.fail(o.name_offset, "'" + std::string(o.name) + "' given twice");
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() != 2) return ctx.fail(o.value_offset, std::string(o.name) + " needs a direction and a comparison");
  FlowCounterTest t;
  if (items[0].text == "toserver") t.side = FlowCounterTest::Side::ToServer;
  else if (items[0].text == "toclient") t.side = FlowCounterTest::Side::ToClient;
  else if (items[0].text == "either") t.side = FlowCounterTest::Side::Either;
  else return ctx.fail(items[0].offset, "invalid direction '" + std::string(items[0].text) + "' (toserver, toclient, either)");
  if (!parseNumericTest(items[1].text, UINT64_MAX >> 1, t.test)) {
    return ctx.fail(items[1].offset, "invalid comparison '" + std::string(items[1].text) + "'");
  }
  slot = t;
  return true;
}

// flow.age:<comparison> (Suricata 8's u32), in seconds.
bool applyFlowAge(OptionContext& ctx, const RawOption& o) {
  if (ctx.rule.flow.age) return ctx.fail(o.name_offset, "'flow.age' given twice");
  NumericTest test;
  if (!parseNumericTest(o.value, UINT32_MAX, test)) {
    return ctx.fail(o.value_offset, "invalid flow.age '" + std::string(o.value) + "' (seconds, with < > <= >= ! or a-b)");
  }
  ctx.rule.flow.age = test;
  return true;
}

// stream_size:server|client|both|either,<op>,<number>
bool applyStreamSize(OptionContext& ctx, const RawOption& o) {
  static const std::pair<std::string_view, StreamSizeTest::Side> kSides[] = {
      {"server", StreamSizeTest::Side::Server}, {"client", StreamSizeTest::Side::Client},
      {"both", StreamSizeTest::Side::Both},     {"either", StreamSizeTest::Side::Either},
  };
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items.size() != 3) return ctx.fail(o.value_offset, "stream_size needs a side, an operator and a number");
  std::optional<StreamSizeTest::Side> side = lookup(kSides, items[0].text);
  if (!side) return ctx.fail(items[0].offset, "invalid stream_size side '" + std::string(items[0].text) + "' (server, client, both, either)");
  static constexpr std::string_view kOps[] = {"<", ">", "=", "!=", "<=", ">="};
  if (std::find(std::begin(kOps), std::end(kOps), items[1].text) == std::end(kOps)) {
    return ctx.fail(items[1].offset, "invalid stream_size operator '" + std::string(items[1].text) + "'");
  }
  StreamSizeTest t;
  t.side = *side;
  if (!parseNumericTest(std::string(items[1].text) + std::string(items[2].text), UINT32_MAX, t.test)) {
    return ctx.fail(items[2].offset, "invalid stream_size number '" + std::string(items[2].text) + "'");
  }
  ctx.rule.flow.stream_size.push_back(t);
  return true;
}

}  // namespace

void addFlowKeywords(KeywordTable& table) {
  table.insert({
      {"flow", {ValueRule::Required, applyFlow}},
      {"flowbits", {ValueRule::Required, applyFlowbits}},
      {"flowint", {ValueRule::Required, applyFlowint}},
      {"xbits", {ValueRule::Required, applyXbits}},
      {"iprep", {ValueRule::Required, applyIprep}},
      {"threshold", {ValueRule::Required, applyThreshold}},
      {"detection_filter", {ValueRule::Required, applyThreshold}},
      {"flow.pkts", {ValueRule::Required, applyFlowCounter}},
      {"flow.bytes", {ValueRule::Required, applyFlowCounter}},
      {"flow.age", {ValueRule::Required, applyFlowAge}},
      {"stream_size", {ValueRule::Required, applyStreamSize}},
  });
}

}  // namespace mamori::keywords
