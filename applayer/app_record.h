#pragma once
// One application-layer event of a flow (an HTTP request or response, a DNS message, a
// step of a TLS handshake, an SSH banner, a transaction of a protocol plug-in, a file
// that ended), as AppParsers hands it to its listeners: detection inspects it, the output
// writes EVE `http` / `dns` / `tls` / `ssh` / `fileinfo` records, and the plug-ins' own
// (`sip`, ...), from it. Plain data by value,
// so it may cross threads; made per transaction, never per packet.
#include <cstdint>
#include <variant>

#include "applayer/app_frame.h"
#include "applayer/app_layer_event.h"
#include "applayer/dns_message.h"
#include "applayer/http_transaction.h"
#include "applayer/protocol_transaction.h"
#include "applayer/ssh_session.h"
#include "applayer/tls_handshake.h"
#include "applayer/tracked_file.h"
#include "capture/direction.h"
#include "capture/flow.h"
#include "capture/ip_address.h"
#include "capture/packet.h"

namespace mamori {

enum class AppEvent : uint8_t {
  HttpRequestHeaders,   // a request's line and headers are in (its body may follow)
  HttpRequest,          // a request is complete (its response may follow)
  HttpResponseHeaders,  // a response's status line and headers are in
  HttpResponse,         // the transaction is over (complete, or cut by the flow's end)
  DnsMessage,       // a query or a response
  TlsClientHello,
  TlsServerHello,
  TlsCertificates,
  TlsDone,          // nothing more to learn from the handshake (or the flow ended)
  SshBanner,        // one side's identification line (`dir` says whose)
  SshDone,          // both banners seen, or the flow ended after one
  ParserEvents,     // app-layer events raised with no other record to carry them
  Protocol,         // a protocol plug-in's transaction or message (ProtocolTransaction)
  FileDone,         // a tracked file ended: inspected (FileInfo; a filestore rule asks to keep it)
  FileLogged,       // the same file, kept or not: its `fileinfo` record
};

struct AppRecord {
  AppEvent event = AppEvent::HttpRequest;
  TimeUs ts = 0;
  uint64_t flow_id = 0;
  // HTTP and TLS: the flow, client -> server. DNS and plug-ins: the message, sender -> receiver.
  IpAddress src_ip, dest_ip;
  uint16_t src_port = 0, dest_port = 0;
  uint8_t proto = 0;
  uint16_t vlan[2] = {0, 0};
  uint8_t vlan_count = 0;
  Direction dir = Direction::ToServer;  // the direction whose data completed the event
  std::variant<HttpTransaction, DnsMessage, TlsHandshake, SshSession, ProtocolTransaction, FileInfo> body;
  // The app-layer events of the transaction (HTTP, DNS) or session (TLS, SSH, and the
  // flow's protocol detection events) so far, and of them those raised since its last
  // record: a rule on an event alerts once, where it was raised.
  AppLayerEventSet events, new_events;
};

class AppEventListener {
 public:
  virtual ~AppEventListener() = default;
  // `flow` is the worker's live flow; `record` is valid during the call only.
  virtual void onAppEvent(Flow& flow, const AppRecord& record) = 0;
  // App-layer frames (applayer/app_frame.h), for a listener that inspects them: whether it
  // does for `type`, and each frame, its bytes valid during the call only.
  virtual bool inspectsFrame(uint8_t /*type*/) const { return false; }
  virtual void onAppFrame(Flow& /*flow*/, Direction /*dir*/, uint8_t /*type*/, const uint8_t* /*data*/, size_t /*len*/) {}
};

}  // namespace mamori
