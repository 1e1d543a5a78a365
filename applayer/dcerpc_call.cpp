#include "applayer/dcerpc_call.h"

namespace mamori {

std::string_view dcerpcPduTypeName(DcerpcPduType type) {
  switch (type) {
    case DcerpcPduType::Request: return "REQUEST";
    case DcerpcPduType::Response: return "RESPONSE";
    case DcerpcPduType::Fault: return "FAULT";
    case DcerpcPduType::Bind: return "BIND";
    case DcerpcPduType::BindAck: return "BINDACK";
    case DcerpcPduType::BindNak: return "BINDNAK";
    case DcerpcPduType::AlterContext: return "ALTER_CONTEXT";
    case DcerpcPduType::AlterContextResp: return "ALTER_CONTEXT_RESP";
    case DcerpcPduType::Auth3: return "AUTH3";
    case DcerpcPduType::Shutdown: return "SHUTDOWN";
    case DcerpcPduType::CoCancel: return "CO_CANCEL";
    case DcerpcPduType::Orphaned: return "ORPHANED";
    case DcerpcPduType::Rts: return "RTS";
  }
  return {};
}

bool dcerpcOpensCall(DcerpcPduType type) {
  return type == DcerpcPduType::Request || type == DcerpcPduType::Bind || type == DcerpcPduType::AlterContext;
}

}  // namespace mamori
