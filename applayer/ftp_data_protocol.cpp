#include "applayer/ftp_data_protocol.h"

#include <array>
#include <cctype>

#include "applayer/eve_object_writer.h"

namespace mamori {
namespace {

// ftpdata_command's values (rules/protocol_buffers.h).
constexpr uint32_t kRetr = 1, kStor = 2, kAppe = 3;

class FtpDataFlowParser final : public AppProtocolParser {
 public:
  void onExpected(const ExpectedStart& start) override {
    // The announcing command line: "RETR name".
    const std::string_view line = start.context;
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) return;
    std::array<char, 4> verb{};
    for (size_t i = 0; i < verb.size() && i < space; ++i) {
      verb[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(line[i])));
    }
    const std::string_view v(verb.data(), verb.size());
    command_ = v == "RETR" ? kRetr : v == "STOR" ? kStor : v == "APPE" ? kAppe : 0;
    if (!command_) return;
    verb_.assign(v);
    name_.assign(line.substr(space + 1));
    // RETR sends to the control connection's client, which is this one's client in passive
    // mode and its server in active mode; STOR and APPE the other way.
    const bool to_control_client = command_ == kRetr;
    file_dir_ = to_control_client == start.same_client ? Direction::ToClient : Direction::ToServer;
  }

  void onData(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) override {
    if (!command_ || dir != file_dir_ || len == 0) return;
    if (!opened_) {
      opened_ = true;
      file_ = sink.openFile(dir, 0, name_);
    }
    sink.appendFile(file_, data, len);
  }

  void onGap(Direction dir) override {
    if (dir == file_dir_) gap_ = true;
  }

  void onEnd(ProtocolSink& sink) override {
    if (!command_) return;
    if (opened_) sink.closeFile(file_, !gap_, {});
    record_.clear();
    record_.protocol = "ftp-data";
    record_.event_type = "ftp_data";
    record_.addNumber("ftpdata_command", command_);
    eve_.begin();
    eve_.key("filename");
    eve_.string(name_);
    eve_.key("command");
    eve_.string(verb_);
    eve_.finish(record_.eve);
    sink.emit(file_dir_, record_);
  }

 private:
  uint32_t command_ = 0;
  std::string verb_, name_;
  Direction file_dir_ = Direction::ToClient;
  bool opened_ = false, gap_ = false;
  int32_t file_ = ProtocolSink::kNoFile;
  ProtocolTransaction record_;
  EveObjectWriter eve_;
};

}  // namespace

size_t FtpDataProtocol::parserBytes() const { return sizeof(FtpDataFlowParser) + 1024; }

std::unique_ptr<AppProtocolParser> FtpDataProtocol::newParser(uint8_t, AppMemory*) const {
  return std::make_unique<FtpDataFlowParser>();
}

}  // namespace mamori
