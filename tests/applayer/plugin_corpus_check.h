#pragma once
// crossCheckCapture: one corpus capture of a protocol plug-in's tshark cross-check
// (tests/applayer/*_corpus_test.cpp): the capture runs through the app layer with a listener
// of type `Records` (its `messages` by key, its EVE `objects`), tshark's messages are compared
// with them field by field, and the plug-in's counters for the capture are printed. What the
// captures add up to is kept in a PluginCorpusTally, for the test's own thresholds.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "applayer/app_identifier.h"
#include "applayer/app_parsers.h"
#include "tests/applayer/capture_run.h"
#include "tests/applayer/field_agreement.h"
#include "tests/support/test_support.h"

namespace mamori::test {

struct PluginCorpusTally {
  FieldAgreement agreement;
  uint64_t frames = 0;          // tshark's messages
  uint64_t unmatched_ours = 0;  // ours no tshark message matched
  std::vector<std::string> objects;  // EVE
};

// `theirs(pcap)` gives tshark's messages; `agree(field, theirs_message, theirs, ours)` whether
// a field's values agree. `identify`: nDPI names the flows first, as in the pipeline (for a
// capture whose protocol runs on a port its probe is not tried on).
template <typename Records, typename Theirs, typename Fields, typename Agree>
void crossCheckCapture(const char* capture, std::string_view protocol, Theirs&& theirs, const Fields& fields,
                       Agree&& agree, PluginCorpusTally& tally, bool identify = false) {
  const std::string pcap = sharedDir() + "/corpus/" + capture;
  std::unique_ptr<AppIdentifier> identifier = identify ? std::make_unique<AppIdentifier>(AppIdentifier::Config{}) : nullptr;
  AppParsers parsers(AppParsers::Config{}, identifier.get());
  Records ours;
  parsers.addListener(&ours);
  if (identifier) {
    ASSERT_NO_FATAL_FAILURE(runCapture(pcap, {identifier.get(), &parsers}));
  } else {
    ASSERT_NO_FATAL_FAILURE(runCapture(pcap, parsers));
  }
  tally.frames += tally.agreement.compare(capture, theirs(pcap), ours.messages, fields, agree);
  tally.unmatched_ours += FieldAgreement::unmatched(ours.messages);
  tally.objects.insert(tally.objects.end(), ours.objects.begin(), ours.objects.end());
  parsers.publish();
  for (const ProtocolCounters& p : parsers.published().protocols) {
    if (p.name != protocol) continue;
    std::printf("%-50s %s transactions %llu, malformed %llu\n", capture, p.name.c_str(),
                static_cast<unsigned long long>(p.transactions), static_cast<unsigned long long>(p.malformed));
  }
}

}  // namespace mamori::test
