// The prefork MPM's directives and their checks, and the load of a prefork build's config.
// Runs in: master.
// Leans on: Apache httpd 2.4 prefork.c: prefork_check_config() and prefork_run() decide the
// same adjustments; the warning texts are Apache's so that admins recognise them.
#include "mpm/prefork_config.h"

#include <algorithm>
#include <climits>

namespace mpmd {

namespace {

constexpr std::string_view P = kPreforkSection;

constexpr Directive kPreforkDirectives[] = {
    make_integer(P, "StartServers", "5", 0, INT_MAX, "processes",
                 "Children started at startup and at each restart; at most MaxRequestWorkers."),
    make_integer(P, "MinSpareServers", "5", 0, INT_MAX, "processes",
                 "The fewest idle children; below it the master starts more."),
    make_integer(P, "MaxSpareServers", "10", 0, INT_MAX, "processes",
                 "The most idle children; above it the master stops the extra ones."),
    make_integer(P, "MaxRequestWorkers", "256", 0, INT_MAX, "processes",
                 "The most children at once, so the most connections served at once; "
                 "at most ServerLimit."),
    make_integer(P, "ServerLimit", "256", 0, INT_MAX, "processes",
                 "The number of child slots in the scoreboard, at most 20000; a change needs "
                 "a full stop and start."),
    make_integer(P, "MaxConnectionsPerChild", "0", 0, INT_MAX, "connections",
                 "How many connections a child serves before it leaves and is replaced; "
                 "0 means no limit."),
};

constexpr DirectiveTable kPreforkTable = make_table("mpm_prefork", kPreforkDirectives);

// One directive's value and how to report about it.
struct Setting {
    const Config& config;
    std::string_view name;

    const ConfigValue& value() const { return config.value(P, name); }
    int number() const { return static_cast<int>(value().number); }
    // Located at this setting, or at `fallback` when this one is a default and that is not.
    ConfigMessage message(const std::string& text, const Setting* fallback = nullptr) const
    {
        const bool use_fallback = fallback && value().is_default() && !fallback->value().is_default();
        return config.message(use_fallback ? fallback->value() : value(), P, name, text);
    }
};

} // namespace

const DirectiveTable& prefork_directive_table()
{
    return kPreforkTable;
}

PreforkConfig PreforkConfig::from(const Config& config, std::vector<ConfigMessage>* errors,
                                  std::vector<ConfigMessage>* warnings)
{
    const Setting start{config, "StartServers"}, min_spare{config, "MinSpareServers"},
        max_spare{config, "MaxSpareServers"}, workers{config, "MaxRequestWorkers"},
        limit{config, "ServerLimit"}, per_child{config, "MaxConnectionsPerChild"};
    PreforkConfig out;
    out.start_servers = start.number();
    out.min_spare_servers = min_spare.number();
    out.max_spare_servers = max_spare.number();
    out.max_request_workers = workers.number();
    out.server_limit = limit.number();
    out.max_connections_per_child = per_child.number();
    const auto n = [](int value) { return std::to_string(value); };

    // Compared as written, before any adjustment.
    const bool spare_clash = out.min_spare_servers > out.max_spare_servers;
    if (spare_clash)
        errors->push_back(min_spare.message(
            n(out.min_spare_servers) + " is greater than MaxSpareServers " +
                n(out.max_spare_servers) + " (allowed: MinSpareServers <= MaxSpareServers)",
            &max_spare));

    if (out.server_limit > kPreforkMaxServerLimit) {
        warnings->push_back(limit.message(
            "ServerLimit of " + n(out.server_limit) + " exceeds compile-time limit of " +
            n(kPreforkMaxServerLimit) + " servers, decreasing to " + n(kPreforkMaxServerLimit) + "."));
        out.server_limit = kPreforkMaxServerLimit;
    } else if (out.server_limit < 1) {
        warnings->push_back(limit.message("ServerLimit of " + n(out.server_limit) +
                                          " not allowed, increasing to 1."));
        out.server_limit = 1;
    }

    if (out.max_request_workers > out.server_limit) {
        warnings->push_back(workers.message(
            "MaxRequestWorkers of " + n(out.max_request_workers) + " exceeds ServerLimit value of " +
                n(out.server_limit) + " servers, decreasing MaxRequestWorkers to " +
                n(out.server_limit) + ". To increase, please see the ServerLimit directive.",
            &limit));
        out.max_request_workers = out.server_limit;
    } else if (out.max_request_workers < 1) {
        warnings->push_back(workers.message("MaxRequestWorkers of " + n(out.max_request_workers) +
                                            " not allowed, increasing to 1."));
        out.max_request_workers = 1;
    }

    if (out.min_spare_servers < 1) {
        warnings->push_back(min_spare.message(
            "MinSpareServers of " + n(out.min_spare_servers) +
            " not allowed, increasing to 1 to avoid almost certain server failure. "
            "Please read the documentation."));
        out.min_spare_servers = 1;
    }
    // Apache (prefork_run) raises MaxSpareServers silently; we say so.
    if (!spare_clash && out.max_spare_servers <= out.min_spare_servers) {
        warnings->push_back(max_spare.message(
            "MaxSpareServers of " + n(out.max_spare_servers) +
                " must be greater than MinSpareServers of " + n(out.min_spare_servers) +
                ", increasing to " + n(out.min_spare_servers + 1) + ".",
            &min_spare));
        out.max_spare_servers = out.min_spare_servers + 1;
    }
    // StartServers above MaxRequestWorkers is fine: Apache clamps it without a word.
    out.start_servers = std::min(out.start_servers, out.max_request_workers);
    return out;
}

DirectiveTables all_directive_tables()
{
    return {core_directive_table(), prefork_directive_table()};
}

LoadedConfig load_config(const LoadOptions& options)
{
    LoadedConfig out;
    out.raw = Config::load(options, all_directive_tables());
    out.errors = out.raw.errors();
    // Without the file every value is a default; checking the system would only add noise.
    out.server = ServerConfig::from(out.raw, out.raw.file_read(), &out.errors);
    out.prefork = PreforkConfig::from(out.raw, &out.errors, &out.warnings);
    sort_messages(&out.errors);
    sort_messages(&out.warnings);
    return out;
}

} // namespace mpmd
