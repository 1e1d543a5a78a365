#pragma once
// FileRecords: a ProtocolSink for plug-in parser tests that keeps the files a parser opens
// (direction, transaction, name, bytes, how it closed) besides its records (ProtocolRecords).
#include <string>
#include <vector>

#include "tests/applayer/protocol_records.h"

namespace mamori::test {

struct RecordedFile {
  Direction dir = Direction::ToServer;
  uint64_t tx_id = 0;
  std::string name, bytes;
  bool closed = false, complete = false;
};

struct FileRecords final : ProtocolSink {
  void emit(Direction dir, const ProtocolTransaction& tx) override { records.emit(dir, tx); }
  void malformed() override { records.malformed(); }
  int32_t openFile(Direction dir, uint64_t tx_id, std::string_view name) override {
    files.push_back({dir, tx_id, std::string(name), {}, false, false});
    return static_cast<int32_t>(files.size() - 1);
  }
  void appendFile(int32_t h, const uint8_t* data, size_t len) override {
    files.at(static_cast<size_t>(h)).bytes.append(reinterpret_cast<const char*>(data), len);
  }
  void closeFile(int32_t h, bool complete, const AppLayerEventSet&) override {
    RecordedFile& f = files.at(static_cast<size_t>(h));
    f.closed = true;
    f.complete = complete;
  }
  ProtocolRecords records;
  std::vector<RecordedFile> files;
};

}  // namespace mamori::test
