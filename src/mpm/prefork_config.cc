// The prefork MPM's directives and their checks.
// Runs in: master.
// Leans on: Apache httpd 2.4 prefork.c: prefork_check_config() and prefork_run() decide the
// same adjustments; the warning texts are Apache's so that admins recognise them.
#include "mpm/prefork_config.h"

#include "mpm/mpm_config.h"

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
    needs_full_restart(make_integer(P, "ServerLimit", "256", 0, INT_MAX, "processes",
                                    "The number of child slots in the scoreboard, at most 20000.")),
    make_integer(P, "MaxConnectionsPerChild", "0", 0, INT_MAX, "connections",
                 "How many connections a child serves before it leaves and is replaced; "
                 "0 means no limit."),
    make_integer(P, "MaxConnectionsPerChildJitter", "0", 0, INT_MAX, "connections",
                 "Each child draws its own connection limit at random between MaxConnectionsPerChild "
                 "and MaxConnectionsPerChild plus this, so that children do not all leave at once."),
};

constexpr DirectiveTable kPreforkTable = make_table("mpm_prefork", kPreforkDirectives);

} // namespace

const DirectiveTable& prefork_directive_table()
{
    return kPreforkTable;
}

PreforkConfig PreforkConfig::from(const Config& config, std::vector<ConfigMessage>* errors,
                                  std::vector<ConfigMessage>* warnings)
{
    const MpmSetting start{config, P, "StartServers"}, min_spare{config, P, "MinSpareServers"},
        max_spare{config, P, "MaxSpareServers"}, workers{config, P, "MaxRequestWorkers"},
        limit{config, P, "ServerLimit"}, per_child{config, P, "MaxConnectionsPerChild"},
        jitter{config, P, "MaxConnectionsPerChildJitter"};
    PreforkConfig out;
    out.start_servers = start.number();
    out.min_spare_servers = min_spare.number();
    out.max_spare_servers = max_spare.number();
    out.max_request_workers = workers.number();
    out.server_limit = limit.number();
    out.max_connections_per_child = per_child.number();
    out.max_connections_per_child_jitter = jitter.number();
    const auto n = [](int value) { return std::to_string(value); };

    // Compared as written, before any adjustment.
    const bool spare_clash = out.min_spare_servers > out.max_spare_servers;
    if (spare_clash)
        errors->push_back(min_spare.message(
            n(out.min_spare_servers) + " is greater than MaxSpareServers " +
                n(out.max_spare_servers) + " (allowed: MinSpareServers <= MaxSpareServers)",
            {&max_spare}));

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
            {&limit}));
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
            {&min_spare}));
        out.max_spare_servers = out.min_spare_servers + 1;
    }
    // StartServers above MaxRequestWorkers is fine: Apache clamps it without a word.
    out.start_servers = std::min(out.start_servers, out.max_request_workers);
    return out;
}

} // namespace mpmd
