#pragma once
// Reads incidents back from JSON: an EVE `incident` record into the Incident that
// EveFormatter::formatIncident wrote it from (how the central takes its sensors' incidents
// into its store), and the evidence lists both that record and the incident store's
// evidence column hold under EVE's names.
//
// Consumes text from peers and files (untrusted): parsed iteratively (no recursion), with
// UTF-8 validated; memory is bounded by the text's size. Pure functions, any thread.
#include <optional>
#include <string_view>

#include <rapidjson/document.h>

#include "correlate/incident.h"

namespace mamori {

// The inverse of EveFormatter::formatIncident: `sensor` is the record's `host` ("" when it
// has none), `hosts` is not read (it is the source and targets again). nullopt for invalid
// JSON, a record that is not an incident, a missing or mistyped field the formatter always
// writes, a bad address, port or time, or signatures that do not pair with signature_ids.
std::optional<Incident> incidentFromEve(std::string_view json);

// The lists of `object` (targets, dest_ports, signature_ids, signatures, flow_ids,
// alert_ids, domains, stages, tactics, techniques, sensors) into `inc`; a missing list is
// left empty. False when a list holds a value of another kind, or signatures and
// signature_ids differ in length.
bool readIncidentLists(const rapidjson::Value& object, Incident& inc);

}  // namespace mamori
