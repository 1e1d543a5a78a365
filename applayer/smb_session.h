#pragma once
// SmbSession: one flow's SMB 1/2/3 conversation, message by message (what each NBSS session
// message holds; applayer/smb_protocol.h frames them). It decodes NEGOTIATE, SESSION_SETUP
// (NTLMSSP AUTHENTICATE: user, domain, host), TREE_CONNECT, CREATE / NT_CREATE_ANDX, READ /
// READ_ANDX, WRITE / WRITE_ANDX, CLOSE, IOCTL FSCTL_PIPE_TRANSCEIVE and SMB1 TRANS, SMB1 ANDX
// chains and SMB2 compounded messages (NextCommand); an SMB3 transform header (encrypted) is
// counted and skipped.
//
// Transactions as Suricata counts them: a request and its response by MessageId (SMB1: MID
// and PID), SMB1 READ_ANDX / WRITE_ANDX / TRANS and SMB2 READ / WRITE making none of their
// own; an SMB2 response to an SMB1 NEGOTIATE completes it (an SMBv1 transaction). Each makes
// two records: its request's side when the request is read (not logged, ToServer:
// smb.version, smb.ntlmssp_user / _domain) and its response's side when the final response
// is (ToClient: smb.version and the EVE `smb` object); an SMB2 interim response
// (STATUS_PENDING) completes nothing. A tree connect's request side (smb.share, or
// smb.named_pipe when the response says the share is a pipe: SMB1 service "IPC", SMB2 share
// type PIPE) waits for the client's next message, as Suricata inspects it: a client that
// pipelines past the response's arrival has its share seen as not (yet) a pipe. A pipe
// share's files are named pipes, whose payload goes to the SmbPipeSink. Other files' reads and writes are tracked files
// (ProtocolSink::openFile), one per file and direction, written in offset order: bytes
// before the file's tracked end are an overlap (app-layer-event smb.file_overlap, the
// overlapping part skipped), a write past it a hole; CLOSE ends them, the flow's end
// truncates them.
//
// Bounded: at most kMaxTransactions outstanding requests, kMaxTrees trees and kMaxFiles
// open files; a request, tree or file past them is refused (counted as malformed, the
// transaction with smb.too_many_transactions); names at most kMaxName bytes of UTF-8.
// The tables are made with the session and reused: steady traffic allocates nothing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "applayer/app_protocol.h"
#include "applayer/eve_object_writer.h"
#include "applayer/ntlmssp_auth.h"
#include "applayer/protocol_transaction.h"
#include "applayer/smb_pipe_sink.h"
#include "capture/direction.h"

namespace mamori {

class SmbSession {
 public:
  static constexpr size_t kMaxTransactions = 64, kMaxTrees = 32, kMaxFiles = 64, kMaxName = 512;

  explicit SmbSession(SmbPipeSink* pipes = nullptr);
  ~SmbSession();
  SmbSession(const SmbSession&) = delete;
  SmbSession& operator=(const SmbSession&) = delete;

  // One SMB message (SMB1, SMB2 with its compounded ones, or an SMB3 transform) sent by
  // `dir`'s side.
  void onMessage(Direction dir, const uint8_t* data, size_t len, ProtocolSink& sink);
  // `dir`'s stream lost bytes: its open files are not whole.
  void onGap(Direction dir);
  // The flow ended: open files end truncated, unanswered requests are logged as they are.
  void onEnd(ProtocolSink& sink);

  uint64_t encryptedMessages() const { return encrypted_; }
  // An event of the flow rather than of a request (an overlapping write, a record the
  // framing refuses): a transaction of its own, seen from both sides, as Suricata raises them.
  void flowEvent(AppLayerEvent event, ProtocolSink& sink);

 private:
  struct Tx;
  struct Tree;
  struct File;
  struct Smb1Block;
  struct Smb2Message;

  void smb1(Direction dir, const uint8_t* msg, size_t len, ProtocolSink& sink);
  void smb1Command(uint8_t command, const Smb1Block& b, ProtocolSink& sink);
  void smb2(Direction dir, const uint8_t* msg, size_t len, ProtocolSink& sink);
  void smb2Request(const Smb2Message& msg, ProtocolSink& sink);
  void smb2Response(const Smb2Message& msg, ProtocolSink& sink);

  Tx* newTx(uint8_t version, uint16_t command, uint64_t key, ProtocolSink& sink);
  // The outstanding request of `version`'s `command` under `key` (any key when null).
  Tx* findTx(uint8_t version, uint16_t command, const uint64_t* key);
  Tree* tree(uint32_t id);
  Tree* addTree(uint32_t id, const std::string& share, bool pipe, ProtocolSink& sink);
  File* file(const SmbFileId& id);
  File* addFile(const SmbFileId& id, const std::string& name, bool pipe, ProtocolSink& sink);
  void closeFile(File& f, bool complete, ProtocolSink& sink);
  // A read's or write's bytes at `offset` of file `id`: to the pipe sink or the file tracker.
  void fileData(Direction dir, const SmbFileId& id, uint64_t offset, const uint8_t* data, size_t len,
                ProtocolSink& sink);
  void pipeData(Direction dir, const SmbFileId& id, const uint8_t* data, size_t len, ProtocolSink& sink);

  void securityBlob(Tx& t, const uint8_t* blob, size_t len);
  void flushRequests(ProtocolSink& sink);
  void requestRecord(Tx& t, ProtocolSink& sink);
  void responseRecord(Tx& t, ProtocolSink& sink);
  void malformed(ProtocolSink& sink);
  void writeEve(const Tx& t);

  struct Tables;
  SmbPipeSink* pipes_;
  std::unique_ptr<Tables> tables_;
  std::string dialect_;  // the one the server chose
  ProtocolTransaction tx_;
  EveObjectWriter eve_;
  uint64_t next_tx_ = 0;
  uint64_t encrypted_ = 0;
};

}  // namespace mamori
