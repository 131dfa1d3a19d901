// What a connection writes about its requests: one access log line per request and per
// CustomLog, and the client's address as the logs show it ("192.0.2.1", "[client
// 192.0.2.1:51234]"). Also the Date: value, formatted once a second per thread.
// Runs in: children (any thread: each caller passes its own scratch line; the log files
// append whole lines).
// Leans on: inet_ntop(3); log_format.h for the formats.
#ifndef MPMD_CHILD_REQUEST_LOG_H
#define MPMD_CHILD_REQUEST_LOG_H

#include "shared/http/http_request.h"
#include "shared/http/response.h"
#include "shared/server_runtime.h"

#include <sys/socket.h>

#include <cstdint>
#include <ctime>
#include <string>

namespace mpmd {

// The client's numeric address ("192.0.2.1", "2001:db8::1"; IPv4-mapped shown as IPv4).
std::string client_address(const sockaddr_storage& peer);
// "ADDR:PORT", as Apache's "[client ...]" shows it.
std::string client_with_port(const sockaddr_storage& peer);

// The Date: header's value for now, formatted once per second per thread.
const std::string& current_http_date();

// One access log line per target of `vhost` (find_vhost's choice for the request; nullptr:
// the server's), from `client_ip` (%a) over a connection from `peer_ip` (%{c}a), for a
// request that got `response` after `body_bytes` of its body were sent, timed from `start`
// (CLOCK_REALTIME) to now, served by process `pid` (%P); `line` is scratch space kept by the
// caller.
void write_access_log(const ServerRuntime& runtime, const VirtualHost* vhost, const std::string& client_ip,
                      const std::string& peer_ip, int local_port, pid_t pid, const HttpRequest& request,
                      const Response& response, uint64_t body_bytes, const struct timespec& start,
                      std::string& line);

} // namespace mpmd

#endif
