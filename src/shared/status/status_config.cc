// The [status] directives and their checks.
// Runs in: master (from), children (allows).
#include "shared/status/status_config.h"

#include <climits>

namespace mpmd {

namespace {

constexpr std::string_view T = kStatusSection;

constexpr std::string_view kRequireSyntax = "ip address|CIDR ... | local | all granted|denied";

constexpr Directive kStatusDirectives[] = {
    make_string(T, "StatusLocation", "/server-status", "URL-path",
                "The URL path of the status page (Apache's <Location /server-status>); "
                "?auto, ?json, ?metrics and ?refresh=N select its forms. \"\" turns it off."),
    make_string(T, "MetricsLocation", "", "URL-path",
                "A second URL path answering with the OpenMetrics form alone, e.g. /metrics "
                "for a Prometheus scrape job; none by default."),
    make_flag(T, "ExtendedStatus", "On",
              "Whether the pages show totals, rates, CPU and each worker's client, virtual "
              "host and request line; Off shows the scoreboard alone (mod_status)."),
    // Repeatable with a default: the first Require line replaces the default, later ones add
    // (Apache's implicit RequireAny).
    {"Require", T, DirectiveType::WordList, "ip 127.0.0.1 ::1", 0, 0, {}, {}, 1, INT_MAX, true,
     kRequireSyntax,
     "Who may see the pages, as mod_authz_host says it: \"ip\" and addresses or CIDR "
     "ranges (IPv4 or IPv6; IPv4-mapped IPv6 clients match IPv4 ranges), \"local\" for "
     "loopback, \"all granted\" or \"all denied\". Others get 403 Forbidden."},
};

constexpr DirectiveTable kStatusTable = make_table("status", kStatusDirectives);

std::string check_location(const std::string& location)
{
    if (location.empty() || (location.front() == '/' && location.find('?') == std::string::npos))
        return {};
    return "\"" + location + "\" is not a URL path (allowed: a path starting with '/', no '?', "
           "or \"\")";
}

// The ranges of one Require value, or the problem with it.
std::string require_ranges(const std::vector<std::string>& words, std::vector<AddressRange>* out)
{
    const std::string allowed = " (allowed: " + std::string(kRequireSyntax) + ")";
    const std::string& kind = words.front();
    const size_t count = words.size();
    if (equals_ignoring_case(kind, "local") && count == 1) {
        std::string unused;
        out->push_back(*parse_address_range("127.0.0.0/8", &unused));
        out->push_back(*parse_address_range("::1", &unused));
        return {};
    }
    if (equals_ignoring_case(kind, "all") && count == 2) {
        if (equals_ignoring_case(words[1], "denied"))
            return {};
        if (equals_ignoring_case(words[1], "granted")) {
            std::string unused;
            out->push_back(*parse_address_range("0.0.0.0/0", &unused));
            out->push_back(*parse_address_range("::/0", &unused));
            return {};
        }
    }
    if (equals_ignoring_case(kind, "ip") && count >= 2) {
        for (size_t i = 1; i < count; ++i) {
            std::string problem;
            const std::optional<AddressRange> range = parse_address_range(words[i], &problem);
            if (!range)
                return problem + " (allowed: an address or CIDR range, e.g. 192.0.2.0/24, "
                                 "2001:db8::/32, ::1)";
            out->push_back(*range);
        }
        return {};
    }
    return "\"" + join_words(words) + "\" is not a supported Require" + allowed;
}

} // namespace

const DirectiveTable& status_directive_table()
{
    return kStatusTable;
}

bool StatusConfig::allows(const sockaddr_storage& client) const
{
    for (const AddressRange& range : allow)
        if (range.contains(client))
            return true;
    return false;
}

StatusConfig StatusConfig::from(const Config& config, std::vector<ConfigMessage>* errors)
{
    StatusConfig out;
    const auto problem_at = [&](const ConfigValue& value, std::string_view name,
                                const std::string& problem) {
        if (!problem.empty())
            errors->push_back(config.message(value, T, name, problem));
    };
    for (std::string_view name : {"StatusLocation", "MetricsLocation"}) {
        const std::string& location = config.string(T, name);
        const std::string problem = check_location(location);
        problem_at(config.value(T, name), name, problem);
        if (problem.empty())
            (name == "StatusLocation" ? out.location : out.metrics_location) = location;
    }
    out.extended_status = config.flag(T, "ExtendedStatus");
    for (const ConfigValue& value : config.values(T, "Require"))
        problem_at(value, "Require", require_ranges(value.words, &out.allow));
    return out;
}

} // namespace mpmd
