// See status_handler.h.
#include "child/status_handler.h"

#include "child/core_methods.h"
#include "shared/http/url_path.h"
#include "shared/status/status_page.h"

#include <unistd.h>

namespace mpmd {

namespace {

bool targets(std::string_view target, const std::string& location)
{
    // A cheap test first: every other request of the server goes through here.
    return !location.empty() && target.compare(0, location.size(), location) == 0;
}

std::string host_name(const HttpRequest& request, const std::string& fallback)
{
    const std::string* host = request.header("Host");
    if (host == nullptr || host->empty())
        return fallback;
    const size_t colon = host->rfind(':');
    const size_t bracket = host->rfind(']');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket))
        return host->substr(0, colon);
    return *host;
}

} // namespace

std::optional<Response> handle_status_request(const HttpRequest& request, const ServerRuntime& runtime,
                                              const Scoreboard& scoreboard, const sockaddr_storage& peer)
{
    const StatusConfig& config = runtime.status;
    if (!targets(request.target, config.location) && !targets(request.target, config.metrics_location))
        return std::nullopt;
    const UrlPath url = parse_url_path(request.target);
    // The location and the location with a trailing slash, as Apache's <Location> matches
    // (prometheus-apache-exporter asks for /server-status/?auto by default).
    auto at = [&url](const std::string& location) {
        return !location.empty() && (url.path == location || url.path == location + "/");
    };
    const bool metrics_path = at(config.metrics_location);
    if (url.status != 0 || (!metrics_path && !at(config.location)))
        return std::nullopt;
    if (!config.allows(peer))
        return error_response(403);
    if (request.method_kind == HttpMethod::Options) {
        Response allow;
        allow.add_header("Allow", allowed_methods(runtime.server));
        return allow;
    }
    if (request.method_kind != HttpMethod::Get && request.method_kind != HttpMethod::Head) {
        Response refused = error_response(request.method_kind == HttpMethod::Unknown ? 501 : 405);
        if (refused.status == 405)
            refused.add_header("Allow", allowed_methods(runtime.server));
        return refused;
    }

    StatusRequest asked = parse_status_query(url.query.empty() ? std::string_view() : std::string_view(url.query).substr(1));
    if (metrics_path)
        asked.format = StatusFormat::Metrics;
    StatusServerInfo info = runtime.status_info;
    info.server_name = host_name(request, runtime.server.server_name);
    info.master_pid = getppid();
    StatusOptions options;
    options.extended_status = config.extended_status;
    options.refresh = asked.refresh;
    const std::string* accept = request.header("Accept");
    options.metrics = metrics_flavor_for(accept ? std::string_view(*accept) : std::string_view());

    Response response;
    response.status = 200;
    response.body = render_status(take_status_snapshot(scoreboard, info), asked.format, options);
    response.add_header("Content-Type", status_content_type(asked.format, options.metrics));
    response.add_header("Cache-Control", "no-store");
    if (asked.refresh > 0)
        response.add_header("Refresh", std::to_string(asked.refresh));
    response.send_body = request.method_kind != HttpMethod::Head;
    return response;
}

} // namespace mpmd
