// The worker and event MPMs' directives and their checks.
// Runs in: master.
// Leans on: Apache httpd 2.4 worker.c and event.c: *_check_config() and *_run() decide the same
// adjustments in the same order; the warning texts are Apache's so that admins recognise
// them. Apache clamps StartServers and raises MaxSpareThreads without a word; we say so
// when the value was written in the file.
#include "mpm/threaded_config.h"

#include "mpm/mpm_config.h"

#include <algorithm>
#include <climits>
#include <string>

namespace mpmd {

namespace {

// The rows of one threaded section. AsyncRequestWorkerFactor is last so that worker's table
// is the first kWorkerRows rows of the same shape.
constexpr std::size_t kWorkerRows = 9;
struct ThreadedRows {
    Directive rows[kWorkerRows + 1];
};

constexpr ThreadedRows threaded_rows(std::string_view s)
{
    return {{
        make_integer(s, "StartServers", "3", 0, INT_MAX, "processes",
                     "Children started at startup and at each restart; at most "
                     "MaxRequestWorkers / ThreadsPerChild."),
        needs_full_restart(make_integer(s, "ServerLimit", "16", 0, INT_MAX, "processes",
                     "The most children serving at once, at most 20000. The scoreboard has "
                     "twice as many process slots, so that a graceful restart starts the new "
                     "generation while the old one finishes.")),
        needs_full_restart(make_integer(s, "ThreadLimit", "64", 0, INT_MAX, "threads",
                     "Worker records per child in the scoreboard, at most 20000: the ceiling "
                     "for ThreadsPerChild.")),
        make_integer(s, "ThreadsPerChild", "25", 0, INT_MAX, "threads",
                     "Worker threads in each child; at most ThreadLimit."),
        make_integer(s, "MinSpareThreads", "75", 0, INT_MAX, "threads",
                     "The fewest idle threads over all children; below it the master starts "
                     "more children."),
        make_integer(s, "MaxSpareThreads", "250", 0, INT_MAX, "threads",
                     "The most idle threads over all children; above it the master stops one "
                     "child a second. At least MinSpareThreads + ThreadsPerChild."),
        make_integer(s, "MaxRequestWorkers", "400", 0, INT_MAX, "threads",
                     "The most threads serving at once in all children, so the most requests "
                     "in progress; a multiple of ThreadsPerChild, at most ServerLimit x "
                     "ThreadsPerChild."),
        make_integer(s, "MaxConnectionsPerChild", "0", 0, INT_MAX, "connections",
                     "How many connections a child serves before it leaves and is replaced; "
                     "0 means no limit."),
        make_integer(s, "MaxConnectionsPerChildJitter", "0", 0, INT_MAX, "connections",
                     "Each child draws its own connection limit at random between "
                     "MaxConnectionsPerChild and MaxConnectionsPerChild plus this, so that "
                     "children do not all leave at once."),
        make_decimal(s, "AsyncRequestWorkerFactor", "2", 1, 10000, "",
                     "Requests from connections an event child holds may wait for a worker "
                     "thread up to ThreadsPerChild x this factor; past that the child accepts "
                     "no new connection. A number with up to two decimals, e.g. 1.5."),
    }};
}

constexpr ThreadedRows kWorkerRowsOf = threaded_rows(kWorkerSection);
constexpr ThreadedRows kEventRowsOf = threaded_rows(kEventSection);
constexpr DirectiveTable kWorkerTable{"mpm_worker", kWorkerRowsOf.rows, kWorkerRows};
constexpr DirectiveTable kEventTable{"mpm_event", kEventRowsOf.rows, kWorkerRows + 1};

std::string n(long long value)
{
    return std::to_string(value);
}

} // namespace

const DirectiveTable& worker_directive_table()
{
    return kWorkerTable;
}

const DirectiveTable& event_directive_table()
{
    return kEventTable;
}

ThreadedLimits ThreadedConfig::policy_limits() const
{
    ThreadedLimits limits;
    limits.min_spare_threads = uint32_t(min_spare_threads);
    limits.max_spare_threads = uint32_t(max_spare_threads);
    limits.threads_per_child = uint32_t(threads_per_child);
    limits.max_request_workers = uint32_t(max_request_workers);
    limits.server_limit = uint32_t(server_limit);
    return limits;
}

uint32_t threaded_process_slots(const ThreadedConfig& config)
{
    return 2 * uint32_t(config.server_limit);
}

ThreadedConfig ThreadedConfig::from(const Config& config, std::string_view section,
                                    std::vector<ConfigMessage>* warnings)
{
    const auto setting = [&](std::string_view name) { return MpmSetting{config, section, name}; };
    const MpmSetting start = setting("StartServers"), limit = setting("ServerLimit"),
                     threads = setting("ThreadLimit"), per_child = setting("ThreadsPerChild"),
                     min_spare = setting("MinSpareThreads"), max_spare = setting("MaxSpareThreads"),
                     workers = setting("MaxRequestWorkers"),
                     connections = setting("MaxConnectionsPerChild"),
                     jitter = setting("MaxConnectionsPerChildJitter");
    ThreadedConfig out;
    out.start_servers = start.number();
    out.server_limit = limit.number();
    out.thread_limit = threads.number();
    out.threads_per_child = per_child.number();
    out.min_spare_threads = min_spare.number();
    out.max_spare_threads = max_spare.number();
    out.max_request_workers = workers.number();
    out.max_connections_per_child = connections.number();
    out.max_connections_per_child_jitter = jitter.number();
    if (section == kEventSection)
        out.async_request_worker_factor = setting("AsyncRequestWorkerFactor").value().number;
    const auto warn = [&](const MpmSetting& at, const std::string& text,
                          std::initializer_list<const MpmSetting*> causes = {}) {
        warnings->push_back(at.message(text, causes));
    };

    if (out.server_limit > kThreadedMaxServerLimit) {
        warn(limit, "ServerLimit of " + n(out.server_limit) + " exceeds compile-time limit of " +
                        n(kThreadedMaxServerLimit) + " servers, decreasing to " +
                        n(kThreadedMaxServerLimit) + ".");
        out.server_limit = kThreadedMaxServerLimit;
    } else if (out.server_limit < 1) {
        warn(limit, "ServerLimit of " + n(out.server_limit) + " not allowed, increasing to 1.");
        out.server_limit = 1;
    }

    if (out.thread_limit > kThreadedMaxThreadLimit) {
        warn(threads, "ThreadLimit of " + n(out.thread_limit) + " exceeds compile-time limit of " +
                          n(kThreadedMaxThreadLimit) + " threads, decreasing to " +
                          n(kThreadedMaxThreadLimit) + ".");
        out.thread_limit = kThreadedMaxThreadLimit;
    } else if (out.thread_limit < 1) {
        warn(threads, "ThreadLimit of " + n(out.thread_limit) + " not allowed, increasing to 1.");
        out.thread_limit = 1;
    }

    if (out.threads_per_child > out.thread_limit) {
        warn(per_child,
             "ThreadsPerChild of " + n(out.threads_per_child) + " exceeds ThreadLimit of " +
                 n(out.thread_limit) + " threads, decreasing to " + n(out.thread_limit) +
                 ". To increase, please see the ThreadLimit directive.",
             {&threads});
        out.threads_per_child = out.thread_limit;
    } else if (out.threads_per_child < 1) {
        warn(per_child,
             "ThreadsPerChild of " + n(out.threads_per_child) + " not allowed, increasing to 1.");
        out.threads_per_child = 1;
    }
    const int per = out.threads_per_child;

    if (out.max_request_workers < per) {
        warn(workers,
             "MaxRequestWorkers of " + n(out.max_request_workers) + " is less than ThreadsPerChild of " +
                 n(per) + ", increasing to " + n(per) + ". MaxRequestWorkers must be at least as "
                 "large as the number of threads in a single server.",
             {&per_child, &threads});
        out.max_request_workers = per;
    }
    int children = out.max_request_workers / per;
    if (out.max_request_workers % per != 0) {
        warn(workers,
             "MaxRequestWorkers of " + n(out.max_request_workers) +
                 " is not an integer multiple of ThreadsPerChild of " + n(per) +
                 ", decreasing to nearest multiple " + n(children * per) + ", for a maximum of " +
                 n(children) + " servers.",
             {&per_child, &threads});
        out.max_request_workers = children * per;
    }
    if (children > out.server_limit) {
        warn(workers,
             "MaxRequestWorkers of " + n(out.max_request_workers) + " would require " + n(children) +
                 " servers and would exceed ServerLimit of " + n(out.server_limit) +
                 ", decreasing to " + n(out.server_limit * per) +
                 ". To increase, please see the ServerLimit directive.",
             {&limit, &per_child, &threads});
        children = out.server_limit;
        out.max_request_workers = children * per;
    }

    if (out.start_servers < 1) {
        warn(start, "StartServers of " + n(out.start_servers) + " not allowed, increasing to 1.");
        out.start_servers = 1;
    }
    if (out.min_spare_threads < 1) {
        warn(min_spare, "MinSpareThreads of " + n(out.min_spare_threads) +
                            " not allowed, increasing to 1 to avoid almost certain server "
                            "failure. Please read the documentation.");
        out.min_spare_threads = 1;
    }

    if (out.start_servers > children) {
        if (!start.value().is_default())
            warn(start, "StartServers of " + n(out.start_servers) + " exceeds the " + n(children) +
                            " servers that MaxRequestWorkers of " + n(out.max_request_workers) +
                            " allows, decreasing to " + n(children) + ".");
        out.start_servers = children;
    }
    // Saturates at INT_MAX, far beyond any thread count the scoreboard can hold.
    const long long spare_floor = std::min<long long>(
        static_cast<long long>(out.min_spare_threads) + per, INT_MAX);
    if (out.max_spare_threads < spare_floor) {
        warn(max_spare,
             "MaxSpareThreads of " + n(out.max_spare_threads) + " is less than MinSpareThreads of " +
                 n(out.min_spare_threads) + " plus ThreadsPerChild of " + n(per) +
                 ", increasing to " + n(spare_floor) + ".",
             {&min_spare, &per_child, &threads});
        out.max_spare_threads = static_cast<int>(spare_floor);
    }
    return out;
}

} // namespace mpmd
