// The [status] directives and their checks.
// Runs in: master (from), children (allows).
#include "shared/status/status_config.h"

#include <climits>

namespace mpmd {

namespace {

constexpr std::string_view T = kStatusSection;

constexpr std::string_view kRequireSyntax = "ip address|CIDR ... | local | all granted|denied";
constexpr std::string_view kScoreboardSyntax = "auto | none | /name ([A-Za-z0-9._-], at most 200)";
constexpr size_t kMaxScoreboardName = 200;   // below NAME_MAX (255) with room for /dev/shm's view

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
     "loopback, \"all granted\" or \"all denied\". Others get 403 Forbidden.", false, false},
    // Here rather than in the core table: only the status readers (mpmctl status and top) use
    // the name; the master maps the same memory either way.
    needs_full_restart(make_string(T, "ScoreBoardFile", "auto", kScoreboardSyntax,
                "The POSIX shared-memory name of the scoreboard (Apache's ScoreBoardFile), seen as "
                "/dev/shm/NAME, created mode 0600 by the master and removed when it exits; mpmctl status "
                "and mpmctl top read it. \"auto\" derives the name from PidFile (/run/mpmd.pid gives "
                "/mpmd-run-mpmd.pid), so mpmctl finds it with the same config; \"none\" keeps the "
                "scoreboard anonymous (only the status page shows it).")),
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

bool scoreboard_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
}

std::string check_scoreboard_file(const std::string& value)
{
    if (equals_ignoring_case(value, "auto") || equals_ignoring_case(value, "none"))
        return {};
    bool ok = value.size() >= 2 && value.size() <= kMaxScoreboardName + 1 && value.front() == '/' &&
              value != "/." && value != "/..";
    for (size_t i = 1; ok && i < value.size(); ++i)
        ok = scoreboard_char(value[i]) || value[i] == '-';
    if (ok)
        return {};
    return "\"" + value + "\" is not a shared-memory name (allowed: " + std::string(kScoreboardSyntax) + ")";
}

} // namespace

std::string StatusConfig::scoreboard_name(const std::string& pid_file) const
{
    if (equals_ignoring_case(scoreboard_file, "none"))
        return {};
    if (!equals_ignoring_case(scoreboard_file, "auto"))
        return scoreboard_file;
    std::string name = "/mpmd";
    const size_t from = pid_file.size() > kMaxScoreboardName - name.size()
                            ? pid_file.size() - (kMaxScoreboardName - name.size())
                            : 0;
    for (size_t i = from; i < pid_file.size(); ++i)
        name += scoreboard_char(pid_file[i]) ? pid_file[i] : '-';
    return name;
}

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
    const std::string& scoreboard_file = config.string(T, "ScoreBoardFile");
    const std::string bad_name = check_scoreboard_file(scoreboard_file);
    problem_at(config.value(T, "ScoreBoardFile"), "ScoreBoardFile", bad_name);
    if (bad_name.empty())
        out.scoreboard_file = scoreboard_file;
    for (const ConfigValue& value : config.values(T, "Require"))
        problem_at(value, "Require", require_ranges(value.words, &out.allow));
    return out;
}

} // namespace mpmd
