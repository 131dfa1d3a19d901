// The status handler: answers the [status] location (Apache's /server-status, with ?auto,
// ?json, ?metrics and ?refresh=N) and the metrics location from a consistent snapshot of
// the scoreboard, to allowed client addresses only (403 otherwise).
// Runs in: children (any worker thread).
#ifndef MPMD_CHILD_STATUS_HANDLER_H
#define MPMD_CHILD_STATUS_HANDLER_H

#include "shared/http/http_request.h"
#include "shared/http/response.h"
#include "shared/scoreboard.h"
#include "shared/server_runtime.h"

#include <sys/socket.h>

#include <optional>

namespace mpmd {

// The reply when `request` is for the status page or the metrics location; nullopt for any
// other request (the static handler's then).
std::optional<Response> handle_status_request(const HttpRequest& request, const ServerRuntime& runtime,
                                              const Scoreboard& scoreboard, const sockaddr_storage& peer);

} // namespace mpmd

#endif
