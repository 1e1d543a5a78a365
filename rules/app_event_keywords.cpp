// app-layer-event: the parsers' events, under Suricata's names. (decode-event and
// stream-event, the decoder's and the reassembler's, have a file of their own.)
#include <cctype>
#include <string>

#include "rules/app_layer_event_names.h"
#include "rules/keyword_support.h"

namespace mamori::keywords {
namespace {

// The rule's header protocol, as the events' protocols are named ("alert http1" rules see
// http events, "alert ssl" tls ones); "" when it names a transport.
std::string_view headerEventProtocol(const RuleProtocol& protocol) {
  if (!protocol.app_layer) return "";
  if (protocol.name == "http1") return "http";
  if (protocol.name == "ssl") return "tls";
  return protocol.name;
}

// app-layer-event:PROTO.NAME or app-layer-event:applayer_NAME; names are matched without
// regard to case, as Suricata matches them (its rule files write file.NO_MEMORY).
bool applyAppLayerEvent(OptionContext& ctx, const RawOption& o) {
  std::string value;
  for (char c : o.value) value.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  AppEventTest test;
  const size_t dot = value.find('.');
  if (dot == std::string::npos) {
    if (!isAppLayerDetectionEvent(value)) {
      return ctx.fail(o.value_offset, "unknown app-layer-event '" + std::string(o.value) +
                                          "' (PROTOCOL.EVENT, or a protocol detection event applayer_...)");
    }
    test.name = value;
    ctx.rule.app_events.push_back(std::move(test));
    return true;
  }
  test.protocol = value.substr(0, dot);
  test.name = value.substr(dot + 1);
  if (!findAppLayerEventProtocol(test.protocol)) {
    return ctx.fail(o.value_offset, "unknown app-layer-event protocol '" + test.protocol + "'");
  }
  if (!isAppLayerEventName(test.protocol, test.name)) {
    return ctx.fail(o.value_offset + dot + 1, "unknown app-layer-event '" + std::string(o.value) + "' (" +
                                                  test.protocol + " has no event '" + test.name + "')");
  }
  const std::string_view header = headerEventProtocol(ctx.rule.protocol);
  if (!header.empty() && header != test.protocol && test.protocol != "file") {
    return ctx.fail(o.value_offset, "app-layer-event '" + std::string(o.value) + "' is a " + test.protocol +
                                        " event, and the rule is for " + ctx.rule.protocol.name);
  }
  ctx.rule.app_events.push_back(std::move(test));
  return true;
}

}  // namespace

void addAppEventKeywords(KeywordTable& table) {
  table.insert({"app-layer-event", {ValueRule::Required, applyAppLayerEvent}});
}

}  // namespace mamori::keywords
