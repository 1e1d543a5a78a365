#pragma once
// One file carried by an application protocol (an HTTP body, later a MIME part, an FTP
// data channel, an SMB or HTTP/2 transfer) as the FileTracker reports it once it ends:
// what Suricata's file keywords match and its EVE `fileinfo` record holds. Plain data.
#include <cstdint>
#include <optional>
#include <string>

#include "applayer/http_transaction.h"
#include "capture/direction.h"

namespace mamori {

// CLOSED: every byte seen to its end; TRUNCATED: cut short (a gap, a limit, the flow's
// end before the file's); as Suricata's EVE names them.
enum class FileState : uint8_t { Open, Closed, Truncated };
const char* fileStateName(FileState state);  // "OPEN", "CLOSED", "TRUNCATED"

// Which hashes the tracker computes: a mask of these bits.
namespace file_hash {
inline constexpr uint8_t kMd5 = 1, kSha1 = 2, kSha256 = 4;
}

struct TrackedFile {
  uint64_t tx_id = 0;
  Direction dir = Direction::ToClient;  // ToClient: a download
  std::string name;                     // as the protocol names it (HTTP: Content-Disposition or the URI path)
  uint64_t size = 0;                    // bytes seen, in order
  bool gaps = false;                    // bytes of it were missing
  FileState state = FileState::Open;
  // Lower-case hex, empty when not computed (not enabled, or the file passed the hashing
  // limit or had gaps: a hash of part of a file names no file).
  std::string md5, sha1, sha256;
  std::string magic;   // libmagic's description of its first bytes; empty when not run
  bool stored = false;  // written to the file store
  uint32_t file_id = 0;  // per worker, from 1: the store's and EVE's handle on it
  // A Content-Range response: the part's place in the whole file (end inclusive).
  std::optional<uint64_t> range_start, range_end;
  // Opened with keep_data (FileTracker): its first bytes (up to inspect_bytes), what file_data
  // inspects for a protocol whose transaction does not carry the body.
  bool keeps_data = false;
  std::string data;
};

// What listeners get with AppEvent::FileDone and AppEvent::FileLogged.
struct FileInfo {
  TrackedFile file;
  // The HTTP transaction the file came with; others add their protocol's object.
  std::optional<HttpTransaction> http;
  // A protocol plug-in's file: the plug-in's name (app_proto, "smb"), static storage; null
  // for HTTP's.
  const char* protocol = nullptr;
  // FileDone only: a listener sets it (a matching `filestore` rule) to have the file
  // kept; the FileLogged record that follows says whether it was.
  bool* store_requested = nullptr;
};

}  // namespace mamori
