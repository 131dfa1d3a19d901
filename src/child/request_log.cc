// See request_log.h.
#include "child/request_log.h"

#include "shared/http/conditional.h"
#include "shared/http/url_path.h"
#include "shared/log_format.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <string_view>

namespace mpmd {

namespace {

bool lookup_request_header(const void* headers, std::string_view name, std::string_view* value)
{
    const auto* request = static_cast<const HttpRequest*>(headers);
    const std::string* found = request->header(name);
    if (found == nullptr)
        return false;
    *value = *found;
    return true;
}

bool lookup_response_header(const void* headers, std::string_view name, std::string_view* value)
{
    for (const HttpHeader& h : static_cast<const Response*>(headers)->headers) {
        if (ascii_iequals(h.name, name)) {
            *value = h.value;
            return true;
        }
    }
    return false;
}

} // namespace

std::string client_address(const sockaddr_storage& peer)
{
    char text[INET6_ADDRSTRLEN] = "-";
    if (peer.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr, text, sizeof text);
    } else if (peer.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&peer);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
        else
            inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    }
    return text;
}

std::string client_with_port(const sockaddr_storage& peer)
{
    int port = 0;
    if (peer.ss_family == AF_INET)
        port = ntohs(reinterpret_cast<const sockaddr_in*>(&peer)->sin_port);
    else if (peer.ss_family == AF_INET6)
        port = ntohs(reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_port);
    return client_address(peer) + ":" + std::to_string(port);
}

const std::string& current_http_date()
{
    thread_local time_t cached_second = 0;
    thread_local std::string cached;
    const time_t now = time(nullptr);
    if (now != cached_second) {
        char text[29];
        format_http_date(now, text);
        cached.assign(text, sizeof text);   // in place: no allocation once a second
        cached_second = now;
    }
    return cached;
}

void write_access_log(const ServerRuntime& runtime, const VirtualHost* vhost, const std::string& client_ip,
                      const std::string& peer_ip, int local_port, pid_t pid, const HttpRequest& request, const Response& response,
                      uint64_t body_bytes, const struct timespec& start, std::string& line)
{
    const auto& logs = runtime.access_logs_for(vhost);
    if (logs.empty())
        return;
    const UrlPath url = parse_url_path(request.target);
    std::string_view query = url.query;
    if (!query.empty() && query.front() == '?')
        query.remove_prefix(1);
    const std::string protocol = request.version >= 10 && request.version < 100
                                     ? "HTTP/" + std::to_string(request.version / 10) + "." +
                                           std::to_string(request.version % 10)
                                     : std::string();
    struct timespec end;
    clock_gettime(CLOCK_REALTIME, &end);
    AccessRecord record;
    record.client_ip = client_ip;
    record.peer_ip = peer_ip;
    record.local_port = local_port;
    record.request_line = request.request_line;
    record.method = request.method;
    record.protocol = protocol;
    record.url_path = url.path;
    record.query = query;
    record.status = response.status;
    record.body_bytes = body_bytes;
    record.start = start;
    record.duration_us = (int64_t(end.tv_sec) - start.tv_sec) * 1000000 + (end.tv_nsec - start.tv_nsec) / 1000;
    record.server_name = vhost != nullptr ? vhost->server_name : runtime.server.server_name;
    record.pid = pid;
    record.request_headers = HeaderSource{&request, lookup_request_header};
    record.response_headers = HeaderSource{&response, lookup_response_header};
    for (const AccessLogTarget& log : logs) {
        line.clear();
        log.format.append(record, line);
        log.file->write_line(line);
    }
}

} // namespace mpmd
