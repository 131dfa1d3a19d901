// The ?json form: the status data as one JSON document
// {"server": {...}, "processes": [...], "workers": [...]}, with stable field names (a field
// with nothing to say is null, never missing). Times are seconds since the Unix epoch.
// Runs in: children.
// Leans on: RFC 8259 (JSON); status_text.h for string escaping (request lines are the client's).
#ifndef MPMD_SHARED_STATUS_STATUS_JSON_H
#define MPMD_SHARED_STATUS_STATUS_JSON_H

#include "shared/status/status_page.h"

#include <string>

namespace mpmd {

// Without ExtendedStatus each worker's client, vhost and request are null.
std::string render_status_json(const StatusSnapshot& snapshot, const StatusOptions& options);

} // namespace mpmd

#endif
