#include "applayer/smb_session.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

#include "applayer/eve_object_writer.h"
#include "applayer/utf16_text.h"

namespace mamori {
namespace {

constexpr size_t kSmb1Header = 32, kSmb2Header = 64, kTransformHeader = 52;
constexpr uint8_t kSmb1Reply = 0x80;
constexpr uint16_t kSmb1Unicode = 0x8000;
constexpr uint32_t kSmb2Response = 0x1;
constexpr uint32_t kStatusSuccess = 0, kStatusPending = 0x00000103;
constexpr uint32_t kFsctlPipeTransceive = 0x0011C017;
constexpr uint8_t kSmb2SharePipe = 0x02;

// SMB1 commands decoded here.
enum : uint8_t {
  kSmb1Close = 0x04, kSmb1Trans = 0x25, kSmb1ReadAndX = 0x2e, kSmb1WriteAndX = 0x2f, kSmb1Negotiate = 0x72,
  kSmb1SessionSetupAndX = 0x73, kSmb1TreeConnectAndX = 0x75, kSmb1NtCreateAndX = 0xa2, kSmb1None = 0xff,
};
// SMB2 commands.
enum : uint16_t {
  kSmb2Negotiate = 0, kSmb2SessionSetup = 1, kSmb2TreeConnect = 3, kSmb2Create = 5, kSmb2Close = 6, kSmb2Read = 8,
  kSmb2Write = 9, kSmb2Ioctl = 11,
};

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return le16(p) | static_cast<uint32_t>(le16(p + 2)) << 16; }
uint64_t le64(const uint8_t* p) { return le32(p) | static_cast<uint64_t>(le32(p + 4)) << 32; }

bool andx(uint8_t command) {
  return command == kSmb1ReadAndX || command == kSmb1WriteAndX || command == kSmb1SessionSetupAndX ||
         command == kSmb1TreeConnectAndX || command == kSmb1NtCreateAndX || command == 0x24 /* LOCKING_ANDX */ ||
         command == 0x2d /* OPEN_ANDX */ || command == 0x74 /* LOGOFF_ANDX */;
}

// Suricata's names for the commands, as its EVE `smb.command` writes them.
const char* smb2CommandName(uint16_t c) {
  static constexpr const char* kNames[] = {
      "SMB2_COMMAND_NEGOTIATE_PROTOCOL", "SMB2_COMMAND_SESSION_SETUP", "SMB2_COMMAND_SESSION_LOGOFF",
      "SMB2_COMMAND_TREE_CONNECT",       "SMB2_COMMAND_TREE_DISCONNECT", "SMB2_COMMAND_CREATE",
      "SMB2_COMMAND_CLOSE",              "SMB2_COMMAND_FLUSH",           "SMB2_COMMAND_READ",
      "SMB2_COMMAND_WRITE",              "SMB2_COMMAND_LOCK",            "SMB2_COMMAND_IOCTL",
      "SMB2_COMMAND_CANCEL",             "SMB2_COMMAND_KEEPALIVE",       "SMB2_COMMAND_FIND",
      "SMB2_COMMAND_CHANGE_NOTIFY",      "SMB2_COMMAND_GET_INFO",        "SMB2_COMMAND_SET_INFO",
      "SMB2_COMMAND_OPLOCK_BREAK"};
  return c < std::size(kNames) ? kNames[c] : nullptr;
}

const char* smb1CommandName(uint8_t c) {
  switch (c) {
    case 0x00: return "SMB1_COMMAND_CREATE_DIRECTORY";
    case 0x01: return "SMB1_COMMAND_DELETE_DIRECTORY";
    case kSmb1Close: return "SMB1_COMMAND_CLOSE";
    case 0x06: return "SMB1_COMMAND_DELETE";
    case 0x07: return "SMB1_COMMAND_RENAME";
    case 0x08: return "SMB1_COMMAND_QUERY_INFORMATION";
    case 0x24: return "SMB1_COMMAND_LOCKING_ANDX";
    case kSmb1Trans: return "SMB1_COMMAND_TRANS";
    case 0x2b: return "SMB1_COMMAND_ECHO";
    case 0x2d: return "SMB1_COMMAND_OPEN_ANDX";
    case kSmb1ReadAndX: return "SMB1_COMMAND_READ_ANDX";
    case kSmb1WriteAndX: return "SMB1_COMMAND_WRITE_ANDX";
    case 0x32: return "SMB1_COMMAND_TRANS2";
    case 0x34: return "SMB1_COMMAND_FIND_CLOSE2";
    case 0x71: return "SMB1_COMMAND_TREE_DISCONNECT";
    case kSmb1Negotiate: return "SMB1_COMMAND_NEGOTIATE_PROTOCOL";
    case kSmb1SessionSetupAndX: return "SMB1_COMMAND_SESSION_SETUP_ANDX";
    case 0x74: return "SMB1_COMMAND_LOGOFF_ANDX";
    case kSmb1TreeConnectAndX: return "SMB1_COMMAND_TREE_CONNECT_ANDX";
    case 0xa0: return "SMB1_COMMAND_NT_TRANS";
    case kSmb1NtCreateAndX: return "SMB1_COMMAND_NT_CREATE_ANDX";
    case 0xa4: return "SMB1_COMMAND_NT_CANCEL";
    default: return nullptr;
  }
}

const char* statusName(uint32_t s) {
  switch (s) {
    case 0x00000000: return "STATUS_SUCCESS";
    case 0x00000103: return "STATUS_PENDING";
    case 0x80000005: return "STATUS_BUFFER_OVERFLOW";
    case 0x80000006: return "STATUS_NO_MORE_FILES";
    case 0xC0000011: return "STATUS_END_OF_FILE";
    case 0xC0000016: return "STATUS_MORE_PROCESSING_REQUIRED";
    case 0xC0000022: return "STATUS_ACCESS_DENIED";
    case 0xC0000034: return "STATUS_OBJECT_NAME_NOT_FOUND";
    case 0xC0000035: return "STATUS_OBJECT_NAME_COLLISION";
    case 0xC000006D: return "STATUS_LOGON_FAILURE";
    case 0xC00000BB: return "STATUS_NOT_SUPPORTED";
    case 0xC00000C9: return "STATUS_NETWORK_NAME_DELETED";
    case 0xC00000CC: return "STATUS_BAD_NETWORK_NAME";
    case 0xC0000203: return "STATUS_USER_SESSION_DELETED";
    case 0xC000035C: return "STATUS_NETWORK_SESSION_EXPIRED";
    case 0xC000019C: return "STATUS_FS_DRIVER_REQUIRED";
    default: return nullptr;
  }
}

// SMB2 dialect revisions as Suricata writes them.
void appendDialect(uint16_t d, std::string& out) {
  switch (d) {
    case 0x0202: out += "2.02"; return;
    case 0x0210: out += "2.10"; return;
    case 0x0222: out += "2.22"; return;
    case 0x0224: out += "2.24"; return;
    case 0x02ff: out += "2.??"; return;
    case 0x0300: out += "3.00"; return;
    case 0x0302: out += "3.02"; return;
    case 0x0310: out += "3.10"; return;
    case 0x0311: out += "3.11"; return;
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%04x", d);
      out += hex;
    }
  }
}

// A NUL-terminated SMB1 string at `at` of the message (Unicode ones 2-aligned from its start).
void smb1String(const uint8_t* msg, size_t len, size_t at, bool unicode, std::string& out) {
  out.clear();
  if (unicode && (at & 1)) ++at;
  if (at >= len) return;
  size_t end = at;
  if (unicode) {
    while (end + 1 < len && (msg[end] | msg[end + 1])) end += 2;
    appendUtf16Le(msg + at, end - at, out, SmbSession::kMaxName);
  } else {
    while (end < len && msg[end]) ++end;
    out.assign(reinterpret_cast<const char*>(msg + at), std::min(end - at, SmbSession::kMaxName));
  }
}

void utf16Name(const uint8_t* p, size_t n, std::string& out) {
  out.clear();
  appendUtf16Le(p, n, out, SmbSession::kMaxName);
}

}  // namespace

struct SmbSession::Tx {
  bool used = false;
  bool records = true;  // false: a READ / TRANS / IOCTL kept only to place its response
  uint8_t version = 0;
  uint16_t command = 0;
  uint64_t key = 0;
  uint64_t tx_id = 0;
  uint32_t status = 0;
  bool responded = false;
  bool request_pending = false;  // a tree connect's request side, inspected with the next client message
  uint64_t session_id = 0;
  uint32_t tree_id = 0;
  bool tree = false, pipe = false;
  std::string share, filename, dialects;
  bool has_ntlmssp = false;
  NtlmsspAuth ntlmssp;
  SmbFileId file;  // READ, TRANS, IOCTL: the file the response's data is of
  uint64_t offset = 0;
  AppLayerEventSet events;
};

struct SmbSession::Tree {
  bool used = false;
  uint32_t id = 0;
  std::string share;
  bool pipe = false;
};

struct SmbSession::File {
  bool used = false;
  SmbFileId id;
  std::string name;
  bool pipe = false;
  int32_t handle[2] = {ProtocolSink::kNoFile, ProtocolSink::kNoFile};
  bool opened[2] = {false, false};
  bool damaged[2] = {false, false};
  uint64_t tracked[2] = {0, 0};
};

// One SMB2 message (of a compound): its header's fields and its body.
struct SmbSession::Smb2Message {
  Smb2Message(const uint8_t* message, size_t length)
      : m(message),
        len(length),
        command(le16(message + 12)),
        status(le32(message + 8)),
        key(le64(message + 24)),
        tree_id(le32(message + 36)),
        session_id(le64(message + 40)),
        body(message + kSmb2Header),
        body_len(length - kSmb2Header) {}
  // Whether `n` bytes at `offset` from the header's start lie within the message.
  bool holds(size_t offset, size_t n) const { return offset <= len && n <= len - offset; }

  const uint8_t* m;
  size_t len;
  uint16_t command;
  uint32_t status;
  uint64_t key;
  uint32_t tree_id;
  uint64_t session_id;
  const uint8_t* body;
  size_t body_len;
};

struct SmbSession::Tables {
  std::array<Tx, kMaxTransactions> txs;
  std::array<Tree, kMaxTrees> trees;
  std::array<File, kMaxFiles> files;
};

// What a SMB1 command's block is: the message, where its word count is, and the header's
// fields.
struct SmbSession::Smb1Block {
  const uint8_t* msg;
  size_t len;
  size_t at;  // the word count byte
  bool reply, unicode;
  uint32_t status;
  uint16_t tid, uid;
  uint64_t key;
  const uint8_t* words;
  size_t word_bytes;
  const uint8_t* bytes;
  size_t byte_count;
  size_t bytes_at;  // offset of `bytes` in the message
};

SmbSession::SmbSession(SmbPipeSink* pipes) : pipes_(pipes), tables_(std::make_unique<Tables>()) {}
SmbSession::~SmbSession() = default;

void SmbSession::malformed(ProtocolSink& sink) {
  sink.malformed();
  flowEvent(AppLayerEvent::SmbMalformedData, sink);
}

void SmbSession::onMessage(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink) {
  if (len < 4 || data[1] != 'S' || data[2] != 'M' || data[3] != 'B') {
    malformed(sink);
    return;
  }
  if (dir == Direction::ToServer) flushRequests(sink);
  switch (data[0]) {
    case 0xff: smb1(dir, data, len, sink); return;
    case 0xfe: smb2(dir, data, len, sink); return;
    case 0xfd:
      // SMB3 encrypted: nothing to read without the session's keys.
      if (len < kTransformHeader) sink.malformed();
      ++encrypted_;
      return;
    default: malformed(sink);
  }
}

SmbSession::Tx* SmbSession::newTx(uint8_t version, uint16_t command, uint64_t key, ProtocolSink& sink) {
  for (Tx& t : tables_->txs) {
    if (t.used) continue;
    t.used = true;
    t.records = true;
    t.version = version;
    t.command = command;
    t.key = key;
    t.tx_id = next_tx_++;
    t.status = 0;
    t.responded = false;
    t.request_pending = false;
    t.session_id = 0;
    t.tree_id = 0;
    t.tree = t.pipe = false;
    t.share.clear();
    t.filename.clear();
    t.dialects.clear();
    t.has_ntlmssp = false;
    t.file = {};
    t.offset = 0;
    t.events.reset();
    return &t;
  }
  sink.malformed();
  flowEvent(AppLayerEvent::SmbTooManyTransactions, sink);
  return nullptr;
}

SmbSession::Tx* SmbSession::findTx(uint8_t version, uint16_t command, const uint64_t* key) {
  for (Tx& t : tables_->txs) {
    if (t.used && t.version == version && t.command == command && (!key || t.key == *key)) return &t;
  }
  return nullptr;
}

SmbSession::Tree* SmbSession::tree(uint32_t id) {
  for (Tree& t : tables_->trees) {
    if (t.used && t.id == id) return &t;
  }
  return nullptr;
}

SmbSession::Tree* SmbSession::addTree(uint32_t id, const std::string& share, bool pipe, ProtocolSink& sink) {
  Tree* t = tree(id);
  if (!t) {
    for (Tree& free : tables_->trees) {
      if (!free.used) {
        t = &free;
        break;
      }
    }
  }
  if (!t) {
    sink.malformed();
    return nullptr;
  }
  t->used = true;
  t->id = id;
  t->share.assign(share);
  t->pipe = pipe;
  return t;
}

SmbSession::File* SmbSession::file(const SmbFileId& id) {
  for (File& f : tables_->files) {
    if (f.used && f.id == id) return &f;
  }
  return nullptr;
}

SmbSession::File* SmbSession::addFile(const SmbFileId& id, const std::string& name, bool pipe, ProtocolSink& sink) {
  if (File* old = file(id)) closeFile(*old, false, sink);
  for (File& f : tables_->files) {
    if (f.used) continue;
    f.used = true;
    f.id = id;
    f.name.assign(name);
    f.pipe = pipe;
    for (int d = 0; d < 2; ++d) {
      f.handle[d] = ProtocolSink::kNoFile;
      f.opened[d] = f.damaged[d] = false;
      f.tracked[d] = 0;
    }
    return &f;
  }
  sink.malformed();
  return nullptr;
}

void SmbSession::closeFile(File& f, bool complete, ProtocolSink& sink) {
  for (int d = 0; d < 2; ++d) {
    if (f.opened[d]) sink.closeFile(f.handle[d], complete && !f.damaged[d], {});
  }
  f.used = false;
}

void SmbSession::pipeData(Direction dir, const SmbFileId& id, const uint8_t* data, size_t len, ProtocolSink& sink) {
  if (pipes_ && len) pipes_->onPipeData(dir, id, data, len, sink);
}

void SmbSession::fileData(Direction dir, const SmbFileId& id, uint64_t offset, const uint8_t* data, size_t len,
                          ProtocolSink& sink) {
  File* f = file(id);
  if (!f) return;  // opened before the capture began: no name, no start
  if (f->pipe) {
    pipeData(dir, id, data, len, sink);
    return;
  }
  const int d = static_cast<int>(dir);
  if (!f->opened[d]) {
    f->opened[d] = true;
    f->handle[d] = sink.openFile(dir, next_tx_++, f->name);
  }
  if (offset < f->tracked[d]) {
    flowEvent(AppLayerEvent::SmbFileOverlap, sink);
    const uint64_t skip = std::min<uint64_t>(len, f->tracked[d] - offset);
    data += skip;
    len -= static_cast<size_t>(skip);
    offset += skip;
  }
  if (len == 0) return;
  if (offset > f->tracked[d]) {
    sink.fileGap(f->handle[d], offset - f->tracked[d]);
    f->damaged[d] = true;
  }
  sink.appendFile(f->handle[d], data, len);
  f->tracked[d] = offset + len;
}

void SmbSession::onGap(Direction dir) {
  for (File& f : tables_->files) {
    if (f.used) f.damaged[static_cast<int>(dir)] = true;
  }
}

// Suricata's detection looks at a request once the server has acknowledged it, with the
// client's next packet: a tree connect answered by then is seen with its share's kind (pipe
// or not) from the response, one the client pipelined past is not.
void SmbSession::flushRequests(ProtocolSink& sink) {
  for (Tx& t : tables_->txs) {
    if (!t.used || !t.request_pending) continue;
    t.request_pending = false;
    requestRecord(t, sink);
    if (t.responded) t.used = false;
  }
}

void SmbSession::onEnd(ProtocolSink& sink) {
  flushRequests(sink);
  for (Tx& t : tables_->txs) {
    if (t.used && t.records) responseRecord(t, sink);
    t.used = false;
  }
  for (File& f : tables_->files) {
    if (f.used) closeFile(f, false, sink);
  }
}

// ---- records

void SmbSession::requestRecord(Tx& t, ProtocolSink& sink) {
  tx_.clear();
  tx_.protocol = "smb";
  tx_.tx_id = t.tx_id;
  tx_.logged = false;
  tx_.addNumber("smb.version", t.version);
  if (t.tree) tx_.add(t.pipe ? "smb.named_pipe" : "smb.share", t.share);
  if (t.has_ntlmssp) {
    tx_.add("smb.ntlmssp_user", t.ntlmssp.user);
    tx_.add("smb.ntlmssp_domain", t.ntlmssp.domain);
  }
  tx_.events = t.events;
  sink.emit(Direction::ToServer, tx_);
}

void SmbSession::responseRecord(Tx& t, ProtocolSink& sink) {
  tx_.clear();
  tx_.protocol = "smb";
  tx_.tx_id = t.tx_id;
  tx_.addNumber("smb.version", t.version);
  tx_.events = t.events;
  writeEve(t);
  sink.emit(Direction::ToClient, tx_);
  if (!t.request_pending) t.used = false;
}

void SmbSession::flowEvent(AppLayerEvent event, ProtocolSink& sink) {
  tx_.clear();
  tx_.protocol = "smb";
  tx_.tx_id = next_tx_++;
  raise(tx_.events, event);
  tx_.logged = false;
  sink.emit(Direction::ToServer, tx_);
  tx_.logged = true;
  eve_.begin();
  eve_.key("id");
  eve_.number(tx_.tx_id + 1);
  eve_.finish(tx_.eve);
  sink.emit(Direction::ToClient, tx_);
}

void SmbSession::writeEve(const Tx& t) {
  EveObjectWriter& w = eve_;
  w.begin();
  w.key("id");
  w.number(t.tx_id + 1);
  w.text("dialect", dialect_.empty() ? std::string_view("unknown") : std::string_view(dialect_));
  const char* command = t.version == 1 ? smb1CommandName(static_cast<uint8_t>(t.command)) : smb2CommandName(t.command);
  char number[8];
  if (!command) {
    // As Suricata names a command it has no name for: its number, as text.
    std::snprintf(number, sizeof number, "%u", t.command);
    command = number;
  }
  w.text("command", command);
  if (t.responded) {
    const char* status = statusName(t.status);
    char code[16];
    std::snprintf(code, sizeof code, "0x%x", t.status);
    w.text("status", status ? std::string_view(status) : std::string_view(code));
    w.text("status_code", code);
  }
  w.key("session_id");
  w.number(t.session_id);
  w.key("tree_id");
  w.number(t.tree_id);
  if (t.tree) {
    w.text("share", t.share);
    w.text("share_type", t.pipe ? "PIPE" : "FILE");
  }
  w.text("filename", t.filename);
  if (!t.dialects.empty()) {
    w.key("client_dialects");
    w.startArray();
    std::string_view rest = t.dialects;
    while (!rest.empty()) {
      const size_t cut = std::min(rest.find('\n'), rest.size());
      w.string(rest.substr(0, cut));
      rest.remove_prefix(std::min(cut + 1, rest.size()));
    }
    w.endArray();
  }
  if (t.has_ntlmssp) {
    w.key("ntlmssp");
    w.startObject();
    w.text("domain", t.ntlmssp.domain);
    w.text("user", t.ntlmssp.user);
    w.text("host", t.ntlmssp.host);
    w.endObject();
  }
  w.finish(tx_.eve);
}

// A SESSION_SETUP request's security blob: its NTLMSSP AUTHENTICATE message, if any.
void SmbSession::securityBlob(Tx& t, const uint8_t* blob, size_t len) {
  switch (readNtlmsspAuth(blob, len, t.ntlmssp)) {
    case NtlmsspRead::Auth: t.has_ntlmssp = true; break;
    case NtlmsspRead::Malformed: raise(t.events, AppLayerEvent::SmbMalformedNtlmsspRequest); break;
    case NtlmsspRead::Other: break;
  }
}

// ---- SMB1

void SmbSession::smb1(Direction, const uint8_t* msg, size_t len, ProtocolSink& sink) {
  if (len < kSmb1Header + 1) {
    malformed(sink);
    return;
  }
  Smb1Block b{};
  b.msg = msg;
  b.len = len;
  b.reply = msg[9] & kSmb1Reply;
  b.unicode = le16(msg + 10) & kSmb1Unicode;
  b.status = le32(msg + 5);
  b.tid = le16(msg + 24);
  b.uid = le16(msg + 28);
  b.key = le16(msg + 30) | static_cast<uint64_t>(le16(msg + 26)) << 16;  // MID, PID
  uint8_t command = msg[4];
  size_t at = kSmb1Header;
  // An ANDX chain: each command's block names the next one's offset, always forward.
  for (int hops = 0; hops < 8; ++hops) {
    if (at >= len) {
      malformed(sink);
      return;
    }
    b.at = at;
    b.word_bytes = static_cast<size_t>(msg[at]) * 2;
    b.words = msg + at + 1;
    if (at + 1 + b.word_bytes + 2 > len) {
      // An error reply may carry no block at all.
      if (b.reply && b.status != kStatusSuccess && msg[at] == 0) b.word_bytes = 0, b.byte_count = 0;
      else {
        malformed(sink);
        return;
      }
    } else {
      b.bytes_at = at + 1 + b.word_bytes + 2;
      b.byte_count = std::min<size_t>(le16(msg + at + 1 + b.word_bytes), len - b.bytes_at);
      b.bytes = msg + b.bytes_at;
    }
    smb1Command(command, b, sink);
    if (!andx(command) || b.word_bytes < 4) return;
    const uint8_t next = b.words[0];
    const size_t next_at = le16(b.words + 2);
    if (next == kSmb1None || next_at <= at || next_at >= len) return;
    command = next;
    at = next_at;
  }
}

void SmbSession::smb1Command(uint8_t command, const Smb1Block& b, ProtocolSink& sink) {
  const uint8_t* w = b.words;
  const size_t wb = b.word_bytes;
  if (!b.reply) {
    // READ_ANDX, WRITE_ANDX and TRANS make no transaction of their own (as Suricata's).
    switch (command) {
      case kSmb1WriteAndX: {
        if (wb < 24) return malformed(sink);
        const SmbFileId fid{0, le16(w + 4)};
        uint64_t offset = le32(w + 6);
        if (wb >= 28) offset |= static_cast<uint64_t>(le32(w + 24)) << 32;
        const size_t n = le16(w + 20) | static_cast<size_t>(le16(w + 18)) << 16;
        const size_t data_at = le16(w + 22);
        if (data_at > b.len || n > b.len - data_at) return malformed(sink);
        fileData(Direction::ToServer, fid, offset, b.msg + data_at, n, sink);
        return;
      }
      case kSmb1ReadAndX: {
        if (wb < 20) return malformed(sink);
        Tx* t = newTx(1, command, b.key, sink);
        if (!t) return;
        t->records = false;
        t->file = {0, le16(w + 4)};
        t->offset = le32(w + 6);
        if (wb >= 24) t->offset |= static_cast<uint64_t>(le32(w + 20)) << 32;
        return;
      }
      case kSmb1Trans: {
        if (wb < 28) return malformed(sink);
        const size_t n = le16(w + 22), data_at = le16(w + 24);
        const size_t setup = w[26];
        if (setup < 2 || wb < 28 + setup * 2 || data_at > b.len || n > b.len - data_at) return;
        const SmbFileId fid{0, le16(w + 30)};
        if (Tx* t = newTx(1, command, b.key, sink)) {
          t->records = false;
          t->file = fid;
        }
        pipeData(Direction::ToServer, fid, b.msg + data_at, n, sink);
        return;
      }
      default: break;
    }
    Tx* t = newTx(1, command, b.key, sink);
    if (!t) return;
    t->session_id = b.uid;
    t->tree_id = b.tid;
    switch (command) {
      case kSmb1Negotiate: {
        // Each dialect: 0x02 then a NUL-terminated name.
        size_t at = 0;
        while (at < b.byte_count && b.bytes[at] == 0x02 && t->dialects.size() < kMaxName) {
          const uint8_t* name = b.bytes + at + 1;
          const uint8_t* end = static_cast<const uint8_t*>(std::memchr(name, 0, b.byte_count - at - 1));
          if (!end) break;
          if (!t->dialects.empty()) t->dialects += '\n';
          t->dialects.append(reinterpret_cast<const char*>(name), static_cast<size_t>(end - name));
          at = static_cast<size_t>(end - b.bytes) + 1;
        }
        break;
      }
      case kSmb1SessionSetupAndX:
        // Extended security: the blob's length is the seventh word, the blob opens the bytes.
        if (wb == 24) {
          securityBlob(*t, b.bytes, std::min<size_t>(le16(w + 14), b.byte_count));
        }
        break;
      case kSmb1TreeConnectAndX: {
        if (wb < 8) break;
        const size_t password = le16(w + 6);
        if (password > b.byte_count) break;
        smb1String(b.msg, b.bytes_at + b.byte_count, b.bytes_at + password, b.unicode, t->share);
        t->tree = true;
        t->request_pending = true;
        return;
      }
      case kSmb1NtCreateAndX: {
        if (wb < 48) break;
        smb1String(b.msg, b.bytes_at + b.byte_count, b.bytes_at, b.unicode, t->filename);
        const Tree* tr = tree(b.tid);
        t->pipe = tr && tr->pipe;
        break;
      }
      case kSmb1Close:
        if (wb >= 2) {
          if (File* f = file({0, le16(w)})) closeFile(*f, true, sink);
        }
        break;
      default: break;
    }
    requestRecord(*t, sink);
    return;
  }

  Tx* t = findTx(1, command, &b.key);
  if (t && !t->records) {
    const SmbFileId fid = t->file;
    const uint64_t offset = t->offset;
    t->used = false;
    if (b.status != kStatusSuccess && !(command == kSmb1Trans && b.status == 0x80000005)) return;
    if (command == kSmb1ReadAndX && wb >= 24) {
      const size_t n = le16(w + 10) | static_cast<size_t>(le16(w + 14)) << 16;
      const size_t data_at = le16(w + 12);
      if (data_at > b.len || n > b.len - data_at) return malformed(sink);
      fileData(Direction::ToClient, fid, offset, b.msg + data_at, n, sink);
    } else if (command == kSmb1Trans && wb >= 20) {
      const size_t n = le16(w + 12), data_at = le16(w + 14);
      if (data_at > b.len || n > b.len - data_at) return malformed(sink);
      pipeData(Direction::ToClient, fid, b.msg + data_at, n, sink);
    }
    return;
  }
  if (!t) {
    // A reply to a request not seen (the capture began after it): a transaction of its own.
    if (command == kSmb1ReadAndX || command == kSmb1Trans || command == kSmb1WriteAndX) return;
    t = newTx(1, command, b.key, sink);
    if (!t) return;
  }
  t->responded = true;
  t->status = b.status;
  t->session_id = b.uid;
  if (b.status == kStatusSuccess || command == kSmb1SessionSetupAndX) {
    switch (command) {
      case kSmb1Negotiate:
        if (wb >= 2) {
          const size_t index = le16(w);
          std::string_view rest = t->dialects;
          for (size_t i = 0; i < index && !rest.empty(); ++i) rest.remove_prefix(std::min(rest.find('\n') + 1, rest.size()));
          dialect_.assign(rest.substr(0, std::min(rest.find('\n'), rest.size())));
        }
        break;
      case kSmb1TreeConnectAndX: {
        std::string service;
        smb1String(b.msg, b.bytes_at + b.byte_count, b.bytes_at, false, service);
        t->tree_id = b.tid;
        if (service == "IPC") t->pipe = true;
        addTree(b.tid, t->share, t->pipe, sink);
        break;
      }
      case kSmb1NtCreateAndX:
        if (wb >= 7) addFile({0, le16(w + 5)}, t->filename, t->pipe, sink);
        break;
      default: break;
    }
  }
  responseRecord(*t, sink);
}

// ---- SMB2

void SmbSession::smb2(Direction, const uint8_t* msg, size_t len, ProtocolSink& sink) {
  // Compounded messages: each names the next one's offset (8-aligned, forward).
  for (size_t at = 0, count = 0; count < kMaxTransactions; ++count) {
    if (len - at < kSmb2Header || msg[at] != 0xfe || std::memcmp(msg + at + 1, "SMB", 3) != 0) {
      malformed(sink);
      return;
    }
    const uint8_t* m = msg + at;
    const size_t next = le32(m + 20);
    if (next && (next < kSmb2Header || next > len - at)) {
      malformed(sink);
      return;
    }
    const Smb2Message message(m, next ? next : len - at);
    if (le32(m + 16) & kSmb2Response) {
      smb2Response(message, sink);
    } else {
      smb2Request(message, sink);
    }
    if (!next) return;
    at += next;
  }
}

void SmbSession::smb2Request(const Smb2Message& msg, ProtocolSink& sink) {
  auto fileId = [&](size_t at) { return SmbFileId{le64(msg.body + at), le64(msg.body + at + 8)}; };
  switch (msg.command) {
    case kSmb2Write: {
      if (msg.body_len < 32) return malformed(sink);
      const size_t data_at = le16(msg.body + 2), n = le32(msg.body + 4);
      if (!msg.holds(data_at, n)) return malformed(sink);
      fileData(Direction::ToServer, fileId(16), le64(msg.body + 8), msg.m + data_at, n, sink);
      return;
    }
    case kSmb2Read:
    case kSmb2Ioctl: {
      if (msg.body_len < 48) return malformed(sink);
      const bool read = msg.command == kSmb2Read;
      const uint32_t code = le32(msg.body + 4);
      if (!read && code != kFsctlPipeTransceive) break;
      Tx* t = newTx(2, msg.command, msg.key, sink);
      if (!t) return;
      t->records = false;
      t->file = fileId(read ? 16 : 8);
      t->offset = read ? le64(msg.body + 8) : 0;
      if (!read) {
        const size_t input_at = le32(msg.body + 24), n = le32(msg.body + 28);
        if (!msg.holds(input_at, n)) return malformed(sink);
        pipeData(Direction::ToServer, t->file, msg.m + input_at, n, sink);
      }
      return;
    }
    default: break;
  }
  Tx* t = newTx(2, msg.command, msg.key, sink);
  if (!t) return;
  t->session_id = msg.session_id;
  t->tree_id = msg.tree_id;
  switch (msg.command) {
    case kSmb2Negotiate: {
      if (msg.body_len < 36) break;
      const size_t count = std::min<size_t>(le16(msg.body + 2), (msg.body_len - 36) / 2);
      for (size_t i = 0; i < count && t->dialects.size() < kMaxName; ++i) {
        if (!t->dialects.empty()) t->dialects += '\n';
        appendDialect(le16(msg.body + 36 + 2 * i), t->dialects);
      }
      break;
    }
    case kSmb2SessionSetup: {
      if (msg.body_len < 16) break;
      const size_t blob_at = le16(msg.body + 12), n = le16(msg.body + 14);
      if (!msg.holds(blob_at, n)) {
        raise(t->events, AppLayerEvent::SmbMalformedData);
        break;
      }
      securityBlob(*t, msg.m + blob_at, n);
      break;
    }
    case kSmb2TreeConnect: {
      if (msg.body_len < 8) break;
      const size_t path_at = le16(msg.body + 4), n = le16(msg.body + 6);
      if (!msg.holds(path_at, n)) break;
      utf16Name(msg.m + path_at, n, t->share);
      t->tree = true;
      t->request_pending = true;
      return;
    }
    case kSmb2Create: {
      if (msg.body_len < 56) break;
      const size_t name_at = le16(msg.body + 44), n = le16(msg.body + 46);
      if (n && msg.holds(name_at, n)) utf16Name(msg.m + name_at, n, t->filename);
      const Tree* tr = tree(msg.tree_id);
      t->pipe = tr && tr->pipe;
      break;
    }
    case kSmb2Close:
      if (msg.body_len >= 24) {
        if (File* f = file(fileId(8))) closeFile(*f, true, sink);
      }
      break;
    default: break;
  }
  requestRecord(*t, sink);
}

void SmbSession::smb2Response(const Smb2Message& msg, ProtocolSink& sink) {
  // An interim reply: the final one follows under the same MessageId.
  if (msg.status == kStatusPending) return;
  Tx* t = findTx(2, msg.command, &msg.key);
  // A client that speaks both sends an SMB1 NEGOTIATE (its own MID); the server answers in SMB2.
  if (!t && msg.command == kSmb2Negotiate) t = findTx(1, kSmb1Negotiate, nullptr);
  if (t && !t->records) {
    const SmbFileId fid = t->file;
    const uint64_t offset = t->offset;
    t->used = false;
    if (msg.status != kStatusSuccess && msg.status != 0x80000005) return;
    if (msg.command == kSmb2Read && msg.body_len >= 16) {
      const size_t data_at = msg.body[2], n = le32(msg.body + 4);
      if (!msg.holds(data_at, n)) return malformed(sink);
      fileData(Direction::ToClient, fid, offset, msg.m + data_at, n, sink);
    } else if (msg.command == kSmb2Ioctl && msg.body_len >= 48) {
      const size_t out_at = le32(msg.body + 32), n = le32(msg.body + 36);
      if (!msg.holds(out_at, n)) return malformed(sink);
      pipeData(Direction::ToClient, fid, msg.m + out_at, n, sink);
    }
    return;
  }
  if (!t) {
    if (msg.command == kSmb2Read || msg.command == kSmb2Write) return;
    t = newTx(2, msg.command, msg.key, sink);
    if (!t) return;
  }
  t->responded = true;
  t->status = msg.status;
  t->session_id = msg.session_id;
  if (msg.status != kStatusSuccess) {
    responseRecord(*t, sink);
    return;
  }
  switch (msg.command) {
    case kSmb2Negotiate:
      if (msg.body_len >= 6) {
        dialect_.clear();
        appendDialect(le16(msg.body + 4), dialect_);
      }
      break;
    case kSmb2TreeConnect:
      t->tree_id = msg.tree_id;
      if (msg.body_len >= 3 && msg.body[2] == kSmb2SharePipe) t->pipe = true;
      addTree(t->tree_id, t->share, t->pipe, sink);
      break;
    case kSmb2Create:
      if (msg.body_len >= 80) addFile({le64(msg.body + 64), le64(msg.body + 72)}, t->filename, t->pipe, sink);
      break;
    default: break;
  }
  responseRecord(*t, sink);
}

}  // namespace mamori
