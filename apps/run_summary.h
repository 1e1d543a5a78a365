#pragma once
// What a person at a terminal sees of a run: a progress line while a capture file is
// read, and a summary at the end (packets, flows, alerts by signature, incidents).
#include <cstdint>
#include <cstdio>
#include <string>

#include "apps/output_stage.h"
#include "apps/pipeline_counters.h"

namespace mamori {

class ProgressLine {
 public:
  ProgressLine(bool enabled, std::string name) : enabled_(enabled), name_(std::move(name)) {}
  void update(uint64_t packets, uint64_t bytes, uint64_t flows, uint64_t alerts);
  void clear();

 private:
  bool enabled_;
  bool shown_ = false;
  std::string name_;
};

void printSummary(FILE* out, const std::string& input, const PipelineTotals& totals, const OutputStage& output,
                  double elapsed_s);

}  // namespace mamori
