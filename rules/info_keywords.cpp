// Keywords that describe a rule rather than what it matches: msg, sid, rev, gid,
// priority, classtype, reference, metadata, target, tag, noalert.
#include "rules/keyword_support.h"

namespace mamori::keywords {
namespace {

bool applyMsg(OptionContext& ctx, const RawOption& o) {
  return unquoteText(o.value, o.value_offset, ctx.rule.msg, ctx.failure);
}

bool applyNumber(OptionContext& ctx, const RawOption& o, uint32_t& field) {
  if (!parseUint32(o.value, field)) {
    return ctx.fail(o.value_offset, "invalid " + std::string(o.name) + " '" + std::string(o.value) + "'");
  }
  return true;
}

bool applySid(OptionContext& ctx, const RawOption& o) {
  if (!applyNumber(ctx, o, ctx.rule.sid)) return false;
  return ctx.rule.sid != 0 || ctx.fail(o.value_offset, "sid must not be 0");
}

bool applyRev(OptionContext& ctx, const RawOption& o) { return applyNumber(ctx, o, ctx.rule.rev); }
bool applyGid(OptionContext& ctx, const RawOption& o) { return applyNumber(ctx, o, ctx.rule.gid); }

bool applyPriority(OptionContext& ctx, const RawOption& o) {
  uint32_t priority = 0;
  if (!parseUint32(o.value, priority) || priority < 1 || priority > 255) {
    return ctx.fail(o.value_offset, "invalid priority '" + std::string(o.value) + "' (1..255)");
  }
  ctx.rule.priority = static_cast<int>(priority);
  ctx.explicit_priority = true;
  return true;
}

bool applyClasstype(OptionContext& ctx, const RawOption& o) {
  const Classification* c = ctx.classes.find(o.value);
  if (!c) return ctx.fail(o.value_offset, "unknown classtype '" + std::string(o.value) + "'");
  ctx.rule.classtype = c->name;
  ctx.rule.category = c->description;
  if (!ctx.explicit_priority) ctx.rule.priority = c->priority;
  return true;
}

bool applyReference(OptionContext& ctx, const RawOption& o) {
  ctx.rule.references.emplace_back(o.value);
  return true;
}

bool applyMetadata(OptionContext& ctx, const RawOption& o) {
  ctx.rule.metadata.emplace_back(o.value);
  ctx.rule.metadata_pairs = RuleMetadata::parse(ctx.rule.metadata);
  return true;
}

bool applyTarget(OptionContext& ctx, const RawOption& o) {
  if (o.value == "src_ip" || o.value == "dest_ip") return true;
  return ctx.fail(o.value_offset, "invalid target '" + std::string(o.value) + "' (src_ip or dest_ip)");
}

// tag asks for packets after the alert to be logged; mamori logs no packets, so only the
// syntax is checked: tag:session|host[,count,packets|seconds|bytes[,src|dst]].
bool applyTag(OptionContext& ctx, const RawOption& o) {
  std::vector<ValueItem> items = splitItems(o.value, o.value_offset);
  if (items[0].text != "session" && items[0].text != "host") {
    return ctx.fail(items[0].offset, "invalid tag type '" + std::string(items[0].text) + "' (session or host)");
  }
  uint32_t count = 0;
  if (items.size() >= 2 && !parseUint32(items[1].text, count)) {
    return ctx.fail(items[1].offset, "invalid tag count '" + std::string(items[1].text) + "'");
  }
  if (items.size() >= 3 && items[2].text != "packets" && items[2].text != "seconds" && items[2].text != "bytes") {
    return ctx.fail(items[2].offset, "invalid tag metric '" + std::string(items[2].text) + "'");
  }
  if (items.size() >= 4 && items[3].text != "src" && items[3].text != "dst") {
    return ctx.fail(items[3].offset, "invalid tag direction '" + std::string(items[3].text) + "'");
  }
  return items.size() <= 4 || ctx.fail(items[4].offset, "too many tag arguments");
}

bool applyNoalert(OptionContext& ctx, const RawOption&) {
  ctx.rule.noalert = true;
  return true;
}

}  // namespace

void addInfoKeywords(KeywordTable& table) {
  table.insert({
      {"msg", {ValueRule::Required, applyMsg}},
      {"sid", {ValueRule::Required, applySid}},
      {"rev", {ValueRule::Required, applyRev}},
      {"gid", {ValueRule::Required, applyGid}},
      {"priority", {ValueRule::Required, applyPriority}},
      {"classtype", {ValueRule::Required, applyClasstype}},
      {"reference", {ValueRule::Required, applyReference}},
      {"metadata", {ValueRule::Required, applyMetadata}},
      {"target", {ValueRule::Required, applyTarget}},
      {"tag", {ValueRule::Required, applyTag}},
      {"noalert", {ValueRule::Forbidden, applyNoalert}},
  });
}

}  // namespace mamori::keywords
