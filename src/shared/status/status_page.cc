// The status page's query parsing, content types and the dispatch to a renderer.
// Runs in: children.
#include "shared/status/status_page.h"

#include "shared/directive.h"   // parse_integer, equals_ignoring_case
#include "shared/status/status_auto.h"
#include "shared/status/status_html.h"
#include "shared/status/status_json.h"
#include "shared/status/status_metrics.h"

#include <algorithm>

namespace mpmd {

namespace {

constexpr int kDefaultRefresh = 10;   // mod_status: "refresh" without a value >= 1
constexpr int kMaxRefresh = 86400;

int refresh_seconds(std::string_view value)
{
    const std::optional<long long> seconds = parse_integer(value);
    if (!seconds || *seconds < 1)
        return kDefaultRefresh;
    return *seconds > kMaxRefresh ? kMaxRefresh : static_cast<int>(*seconds);
}

} // namespace

StatusRequest parse_status_query(std::string_view query)
{
    StatusRequest request;
    bool format_chosen = false;
    while (!query.empty()) {
        const size_t end = std::min(query.find('&'), query.find(';'));
        const std::string_view word = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
        const size_t equals = word.find('=');
        const std::string_view name = word.substr(0, equals);
        const std::string_view value =
            equals == std::string_view::npos ? std::string_view() : word.substr(equals + 1);
        if (name == "refresh") {
            request.refresh = refresh_seconds(value);
            continue;
        }
        StatusFormat format;
        if (name == "auto")
            format = StatusFormat::Auto;
        else if (name == "json")
            format = StatusFormat::Json;
        else if (name == "metrics")
            format = StatusFormat::Metrics;
        else
            continue;
        if (!format_chosen)
            request.format = format;
        format_chosen = true;
    }
    return request;
}

MetricsFlavor metrics_flavor_for(std::string_view accept)
{
    constexpr std::string_view kOpenMetrics = "application/openmetrics-text";
    for (size_t i = 0; i + kOpenMetrics.size() <= accept.size(); ++i)
        if (equals_ignoring_case(accept.substr(i, kOpenMetrics.size()), kOpenMetrics))
            return MetricsFlavor::OpenMetrics;
    return MetricsFlavor::Prometheus;
}

std::string_view status_content_type(StatusFormat format, MetricsFlavor metrics)
{
    switch (format) {
    case StatusFormat::Auto:
        return "text/plain; charset=ISO-8859-1";
    case StatusFormat::Json:
        return "application/json";
    case StatusFormat::Metrics:
        return metrics == MetricsFlavor::OpenMetrics
                   ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                   : "text/plain; version=0.0.4; charset=utf-8";
    case StatusFormat::Html:
        break;
    }
    return "text/html; charset=ISO-8859-1";
}

std::string render_status(const StatusSnapshot& snapshot, StatusFormat format,
                          const StatusOptions& options)
{
    switch (format) {
    case StatusFormat::Auto:
        return render_status_auto(snapshot, options);
    case StatusFormat::Json:
        return render_status_json(snapshot, options);
    case StatusFormat::Metrics:
        return render_status_metrics(snapshot, options);
    case StatusFormat::Html:
        break;
    }
    return render_status_html(snapshot, options);
}

} // namespace mpmd
