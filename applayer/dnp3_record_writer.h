#pragma once
// Dnp3RecordWriter: a DNP3 application fragment (reassembled from its transport segments,
// CRCs removed) as the record detection and EVE take (ProtocolTransaction). Each fragment is a
// transaction of its own, as Suricata logs DNP3: a request from the master (the client), a
// response from the outstation. Fields: dnp3_func (the function code), dnp3_ind (a response's
// internal indications, IIN1 high), dnp3_obj (group << 8 | variation of each object header read)
// and dnp3_data (the whole fragment). EVE `dnp3`: {type, control, src, dst, application:
// {control, function_code, objects, complete}, iin: {indicators}} as Suricata writes it, the
// objects' headers without their points.
//
// Object headers: the size of an object's points depends on its group and variation, which
// Suricata knows from tables of every object; here a header is read when its size is known
// without them: every header of a READ request (which carries no points), the first one of any
// other fragment.
#include <cstdint>
#include <string>
#include <string_view>

#include "applayer/dnp3_link_frame.h"
#include "applayer/eve_object_writer.h"
#include "applayer/protocol_transaction.h"

namespace mamori {

class Dnp3RecordWriter {
 public:
  static constexpr size_t kMaxObjects = 32;

  // `fragment`: the application header and objects; `link`: the last frame's header. False when
  // the fragment is too short for its header (the record is not made).
  bool write(std::string_view fragment, const Dnp3LinkFrame& link, bool request, uint64_t tx_id,
             ProtocolTransaction& out);

 private:
  void objects(std::string_view body, bool all, ProtocolTransaction& out);
  void member(const char* key, uint64_t value);
  void flag(const char* key, bool value);

  EveObjectWriter eve_;
};

}  // namespace mamori
