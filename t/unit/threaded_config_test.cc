// Unit tests of ThreadedConfig ([mpm_worker], [mpm_event]): Apache's defaults, every
// adjustment with its warning (text and file:line), AsyncRequestWorkerFactor and the Decimal
// directive type it uses, and the four tables of a build in load_config, -L and the roff.
// Runs in: the unit-test process only.
#include "mpm/mpm_config.h"

#include "config_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

namespace mpmd {

using config_test::assert_messages;
using config_test::ServerRootDir;

namespace {

// base() + "[section]\n" + `lines`: line 1 of `lines` is the file's line kFirst.
constexpr int kFirst = ServerRootDir::kBaseLines + 2;

LoadedConfig load_section(const ServerRootDir& dir, std::string_view section,
                          const std::string& lines)
{
    return dir.load("[" + std::string(section) + "]\n" + lines);
}

LoadedConfig load_worker(const ServerRootDir& dir, const std::string& lines)
{
    return load_section(dir, kWorkerSection, lines);
}

std::string at(const ServerRootDir& dir, int line, std::string_view section = kWorkerSection)
{
    return dir.conf() + ":" + std::to_string(line) + ": [" + std::string(section) + "] ";
}

// The error for `value` of AsyncRequestWorkerFactor, or "" when it loads.
std::string factor_error(const ServerRootDir& dir, const std::string& value, long long* hundredths)
{
    const LoadedConfig c = load_section(dir, kEventSection, "AsyncRequestWorkerFactor = " + value + "\n");
    *hundredths = c.event.async_request_worker_factor;
    return c.errors.empty() ? std::string() : c.errors.front().str();
}

void assert_defaults(const ThreadedConfig& t)
{
    CPPUNIT_ASSERT_EQUAL(3, t.start_servers);
    CPPUNIT_ASSERT_EQUAL(16, t.server_limit);
    CPPUNIT_ASSERT_EQUAL(64, t.thread_limit);
    CPPUNIT_ASSERT_EQUAL(25, t.threads_per_child);
    CPPUNIT_ASSERT_EQUAL(75, t.min_spare_threads);
    CPPUNIT_ASSERT_EQUAL(250, t.max_spare_threads);
    CPPUNIT_ASSERT_EQUAL(400, t.max_request_workers);
    CPPUNIT_ASSERT_EQUAL(0, t.max_connections_per_child);
    CPPUNIT_ASSERT_EQUAL(16, t.max_children());
    CPPUNIT_ASSERT_EQUAL(uint32_t(32), threaded_process_slots(t));
}

} // namespace

class ThreadedConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ThreadedConfigTest);
    CPPUNIT_TEST(defaults_are_apaches);
    CPPUNIT_TEST(values_are_read_per_section);
    CPPUNIT_TEST(each_adjustment_warns_at_its_line);
    CPPUNIT_TEST(lowered_by_a_default_points_at_the_cause);
    CPPUNIT_TEST(max_spare_floor_saturates);
    CPPUNIT_TEST(ceilings_size_the_scoreboard);
    CPPUNIT_TEST(event_adjusts_like_worker);
    CPPUNIT_TEST(async_request_worker_factor_parses_decimals);
    CPPUNIT_TEST(async_request_worker_factor_bounds);
    CPPUNIT_TEST(async_request_worker_factor_is_event_only);
    CPPUNIT_TEST(errors_in_an_unused_section_are_errors);
    CPPUNIT_TEST(decimal_helpers);
    CPPUNIT_TEST(decimal_in_listing_roff_and_dump);
    CPPUNIT_TEST(tables_of_every_build);
    CPPUNIT_TEST(policy_limits_follow_the_view);
    CPPUNIT_TEST_SUITE_END();

public:
    void defaults_are_apaches()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("");
        assert_messages({}, c.errors);
        assert_messages({}, c.warnings);
        assert_defaults(c.worker);
        assert_defaults(c.event);
        CPPUNIT_ASSERT_EQUAL(0LL, c.worker.async_request_worker_factor);
        CPPUNIT_ASSERT_EQUAL(200LL, c.event.async_request_worker_factor);
    }

    void values_are_read_per_section()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[mpm_worker]\nStartServers = 2\nServerLimit = 8\n"
                                        "ThreadLimit = 100\nThreadsPerChild = 50\n"
                                        "MinSpareThreads = 10\nMaxSpareThreads = 70\n"
                                        "MaxRequestWorkers = 300\nMaxConnectionsPerChild = 9\n"
                                        "MaxConnectionsPerChildJitter = 3\n"
                                        "[mpm_event]\nThreadsPerChild = 10\nMaxRequestWorkers = 160\n"
                                        "AsyncRequestWorkerFactor = 1.5\n");
        assert_messages({}, c.errors);
        assert_messages({}, c.warnings);
        CPPUNIT_ASSERT_EQUAL(2, c.worker.start_servers);
        CPPUNIT_ASSERT_EQUAL(8, c.worker.server_limit);
        CPPUNIT_ASSERT_EQUAL(100, c.worker.thread_limit);
        CPPUNIT_ASSERT_EQUAL(50, c.worker.threads_per_child);
        CPPUNIT_ASSERT_EQUAL(10, c.worker.min_spare_threads);
        CPPUNIT_ASSERT_EQUAL(70, c.worker.max_spare_threads);
        CPPUNIT_ASSERT_EQUAL(300, c.worker.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(9, c.worker.max_connections_per_child);
        CPPUNIT_ASSERT_EQUAL(3, c.worker.max_connections_per_child_jitter);
        CPPUNIT_ASSERT_EQUAL(0, c.event.max_connections_per_child_jitter);
        CPPUNIT_ASSERT_EQUAL(6, c.worker.max_children());
        CPPUNIT_ASSERT_EQUAL(uint32_t(16), threaded_process_slots(c.worker));
        CPPUNIT_ASSERT_EQUAL(10, c.event.threads_per_child);
        CPPUNIT_ASSERT_EQUAL(160, c.event.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(150LL, c.event.async_request_worker_factor);
        CPPUNIT_ASSERT_EQUAL(16, c.event.server_limit);
    }

    // Each row: lines written in [mpm_worker] (the first at kFirst), the warnings they cause,
    // every one located at kFirst (a value forced by a written one points at that one), and
    // the adjusted values.
    void each_adjustment_warns_at_its_line()
    {
        using Field = int ThreadedConfig::*;
        struct Row {
            const char* lines;
            std::vector<std::string> warnings;   // after "file:kFirst: [mpm_worker] "
            std::vector<std::pair<Field, int>> values;
        };
        const Field limit = &ThreadedConfig::server_limit, threads = &ThreadedConfig::thread_limit,
                    per_child = &ThreadedConfig::threads_per_child,
                    workers = &ThreadedConfig::max_request_workers,
                    start = &ThreadedConfig::start_servers,
                    min_spare = &ThreadedConfig::min_spare_threads,
                    max_spare = &ThreadedConfig::max_spare_threads;
        const Row rows[] = {
            {"ThreadLimit = 30000\n",
             {"ThreadLimit: ThreadLimit of 30000 exceeds compile-time limit of 20000 threads, "
              "decreasing to 20000."},
             {{threads, 20000}, {per_child, 25}}},
            {"ThreadLimit = 0\n",
             {"ThreadLimit: ThreadLimit of 0 not allowed, increasing to 1.",
              "ThreadsPerChild: ThreadsPerChild of 25 exceeds ThreadLimit of 1 threads, decreasing "
              "to 1. To increase, please see the ThreadLimit directive.",
              "MaxRequestWorkers: MaxRequestWorkers of 400 would require 400 servers and would "
              "exceed ServerLimit of 16, decreasing to 16. To increase, please see the ServerLimit "
              "directive."},
             {{threads, 1}, {per_child, 1}, {workers, 16}, {start, 3}}},
            {"ThreadsPerChild = 100\n",
             {"ThreadsPerChild: ThreadsPerChild of 100 exceeds ThreadLimit of 64 threads, "
              "decreasing to 64. To increase, please see the ThreadLimit directive.",
              "MaxRequestWorkers: MaxRequestWorkers of 400 is not an integer multiple of "
              "ThreadsPerChild of 64, decreasing to nearest multiple 384, for a maximum of 6 servers."},
             {{per_child, 64}, {workers, 384}}},
            {"ThreadsPerChild = 0\nMaxRequestWorkers = 16\n",
             {"ThreadsPerChild: ThreadsPerChild of 0 not allowed, increasing to 1."},
             {{per_child, 1}, {workers, 16}}},
            {"ServerLimit = 30000\n",
             {"ServerLimit: ServerLimit of 30000 exceeds compile-time limit of 20000 servers, "
              "decreasing to 20000."},
             {{limit, 20000}, {workers, 400}}},
            {"ServerLimit = 0\n",
             {"ServerLimit: ServerLimit of 0 not allowed, increasing to 1.",
              "MaxRequestWorkers: MaxRequestWorkers of 400 would require 16 servers and would "
              "exceed ServerLimit of 1, decreasing to 25. To increase, please see the ServerLimit "
              "directive."},
             {{limit, 1}, {workers, 25}, {start, 1}}},   // StartServers, a default, silently
            {"MaxRequestWorkers = 130\n",
             {"MaxRequestWorkers: MaxRequestWorkers of 130 is not an integer multiple of "
              "ThreadsPerChild of 25, decreasing to nearest multiple 125, for a maximum of 5 servers."},
             {{workers, 125}, {start, 3}}},
            {"MaxRequestWorkers = 10\n",
             {"MaxRequestWorkers: MaxRequestWorkers of 10 is less than ThreadsPerChild of 25, "
              "increasing to 25. MaxRequestWorkers must be at least as large as the number of "
              "threads in a single server."},
             {{workers, 25}, {start, 1}}},
            {"MaxRequestWorkers = 1010\n",
             {"MaxRequestWorkers: MaxRequestWorkers of 1010 is not an integer multiple of "
              "ThreadsPerChild of 25, decreasing to nearest multiple 1000, for a maximum of 40 servers.",
              "MaxRequestWorkers: MaxRequestWorkers of 1000 would require 40 servers and would "
              "exceed ServerLimit of 16, decreasing to 400. To increase, please see the ServerLimit "
              "directive."},
             {{workers, 400}}},
            {"MaxSpareThreads = 50\n",
             {"MaxSpareThreads: MaxSpareThreads of 50 is less than MinSpareThreads of 75 plus "
              "ThreadsPerChild of 25, increasing to 100."},
             {{max_spare, 100}}},
            {"MaxSpareThreads = 100\n", {}, {{max_spare, 100}}},   // exactly enough
            {"MinSpareThreads = 0\n",
             {"MinSpareThreads: MinSpareThreads of 0 not allowed, increasing to 1 to avoid almost "
              "certain server failure. Please read the documentation."},
             {{min_spare, 1}, {max_spare, 250}}},
            {"StartServers = 0\n",
             {"StartServers: StartServers of 0 not allowed, increasing to 1."},
             {{start, 1}}},
            {"StartServers = 20\n",
             {"StartServers: StartServers of 20 exceeds the 16 servers that MaxRequestWorkers of "
              "400 allows, decreasing to 16."},
             {{start, 16}}},
            {"MaxRequestWorkers = 50\n", {}, {{start, 2}}},   // the default StartServers, silently
        };
        ServerRootDir dir;
        for (const Row& row : rows) {
            const LoadedConfig c = load_worker(dir, row.lines);
            std::string want;
            for (const std::string& warning : row.warnings)
                want += at(dir, kFirst) + warning + "\n";
            CPPUNIT_ASSERT_EQUAL_MESSAGE(row.lines, want, config_test::joined(c.warnings));
            CPPUNIT_ASSERT_MESSAGE(row.lines, c.ok());
            for (const auto& [field, value] : row.values)
                CPPUNIT_ASSERT_EQUAL_MESSAGE(row.lines, value, c.worker.*field);
        }
    }

    void lowered_by_a_default_points_at_the_cause()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_worker(dir, "\nServerLimit = 4\n");
        assert_messages({at(dir, kFirst + 1) + "MaxRequestWorkers: MaxRequestWorkers of 400 would "
                                               "require 16 servers and would exceed ServerLimit of 4, "
                                               "decreasing to 100. To increase, please see the "
                                               "ServerLimit directive."},
                        c.warnings);
        CPPUNIT_ASSERT_EQUAL(100, c.worker.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(3, c.worker.start_servers);
        CPPUNIT_ASSERT_EQUAL(uint32_t(8), threaded_process_slots(c.worker));
        // MaxSpareThreads is a default: its warning points at the MinSpareThreads that raised it.
        const LoadedConfig d = load_worker(dir, "MaxRequestWorkers = 100\nStartServers = 4\n"
                                                "ServerLimit = 4\nMinSpareThreads = 300\n");
        assert_messages({at(dir, kFirst + 3) + "MaxSpareThreads: MaxSpareThreads of 250 is less than "
                                               "MinSpareThreads of 300 plus ThreadsPerChild of 25, "
                                               "increasing to 325."},
                        d.warnings);
    }

    void max_spare_floor_saturates()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_worker(dir, "MinSpareThreads = 2147483647\n");
        CPPUNIT_ASSERT_EQUAL(2147483647, c.worker.max_spare_threads);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.warnings.size());
        CPPUNIT_ASSERT_EQUAL(kFirst, c.warnings[0].line);
        CPPUNIT_ASSERT_EQUAL(uint32_t(2147483647), c.worker.policy_limits().max_spare_threads);
    }

    void ceilings_size_the_scoreboard()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_worker(dir, "ServerLimit = 30000\n");
        CPPUNIT_ASSERT_EQUAL(uint32_t(40000), threaded_process_slots(c.worker));
        const LoadedConfig d = load_worker(dir, "ServerLimit = 0\n");
        CPPUNIT_ASSERT_EQUAL(uint32_t(2), threaded_process_slots(d.worker));
    }

    void event_adjusts_like_worker()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_section(dir, kEventSection, "MaxRequestWorkers = 130\n");
        assert_messages({at(dir, kFirst, kEventSection) +
                         "MaxRequestWorkers: MaxRequestWorkers of 130 is not an integer multiple "
                         "of ThreadsPerChild of 25, decreasing to nearest multiple 125, for a "
                         "maximum of 5 servers."},
                        c.warnings);
        CPPUNIT_ASSERT_EQUAL(125, c.event.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(400, c.worker.max_request_workers);
    }

    void async_request_worker_factor_parses_decimals()
    {
        ServerRootDir dir;
        long long hundredths = 0;
        const std::pair<const char*, long long> good[] = {
            {"2", 200}, {"1.5", 150}, {"0.25", 25}, {"0.01", 1}, {"3.10", 310}, {"100", 10000}};
        for (const auto& [text, expected] : good) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::string(), factor_error(dir, text, &hundredths));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(text, expected, hundredths);
        }
        for (const char* bad : {"1.234", "2.", ".5", "1,5", "1.5x", "+2", "1e2", "two", "1 .5"})
            CPPUNIT_ASSERT_MESSAGE(bad, !factor_error(dir, bad, &hundredths).empty());
        CPPUNIT_ASSERT_EQUAL(at(dir, kFirst, kEventSection) +
                                 "AsyncRequestWorkerFactor: \"1.234\" is not a number with at most "
                                 "two decimals (allowed: 0.01..100)",
                             factor_error(dir, "1.234", &hundredths));
        CPPUNIT_ASSERT_EQUAL(200LL, hundredths);   // an invalid value keeps the default
    }

    void async_request_worker_factor_bounds()
    {
        ServerRootDir dir;
        long long hundredths = 0;
        for (const char* out : {"0", "0.00", "-1", "100.01", "1000"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(out, at(dir, kFirst, kEventSection) + "AsyncRequestWorkerFactor: " +
                                                  out + " is out of range (allowed: 0.01..100)",
                                         factor_error(dir, out, &hundredths));
    }

    void async_request_worker_factor_is_event_only()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_worker(dir, "AsyncRequestWorkerFactor = 2\n");
        assert_messages({at(dir, kFirst) + "AsyncRequestWorkerFactor: belongs in [mpm_event], not in "
                                           "[mpm_worker]"},
                        c.errors);
    }

    void errors_in_an_unused_section_are_errors()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[mpm_prefork]\nStartServers = 2\n[mpm_worker]\n"
                                        "ThreadsPerChild = many\n[mpm_event]\nMinSpareThreads = -1\n");
        assert_messages({at(dir, kFirst + 2) + "ThreadsPerChild: \"many\" is not a decimal integer "
                                               "(allowed: 0 or more threads)",
                         at(dir, kFirst + 4, kEventSection) + "MinSpareThreads: -1 is out of range "
                                                              "(allowed: 0 or more threads)"},
                        c.errors);
        CPPUNIT_ASSERT(!c.ok());
        CPPUNIT_ASSERT_EQUAL(2, c.prefork.start_servers);
        CPPUNIT_ASSERT_EQUAL(25, c.worker.threads_per_child);
    }

    void decimal_helpers()
    {
        CPPUNIT_ASSERT_EQUAL(150LL, *parse_decimal("1.5"));
        CPPUNIT_ASSERT_EQUAL(-5LL, *parse_decimal("-0.05"));
        CPPUNIT_ASSERT_EQUAL(700LL, *parse_decimal("007"));
        CPPUNIT_ASSERT(!parse_decimal(""));
        CPPUNIT_ASSERT(!parse_decimal("-"));
        CPPUNIT_ASSERT(!parse_decimal("--1"));
        CPPUNIT_ASSERT(!parse_decimal("1.-5"));
        CPPUNIT_ASSERT(!parse_decimal("92233720368547758"));   // x100 does not fit
        CPPUNIT_ASSERT_EQUAL(9223372036854775LL * 100, *parse_decimal("9223372036854775"));
        CPPUNIT_ASSERT_EQUAL(std::string("2"), format_decimal(200));
        CPPUNIT_ASSERT_EQUAL(std::string("1.5"), format_decimal(150));
        CPPUNIT_ASSERT_EQUAL(std::string("1.25"), format_decimal(125));
        CPPUNIT_ASSERT_EQUAL(std::string("0.05"), format_decimal(5));
        CPPUNIT_ASSERT_EQUAL(std::string("-0.5"), format_decimal(-50));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), format_decimal(0));
    }

    void decimal_in_listing_roff_and_dump()
    {
        const std::string listing = directives_listing(all_directive_tables());
        CPPUNIT_ASSERT(listing.find("[mpm_event] AsyncRequestWorkerFactor = number\n") !=
                       std::string::npos);
        CPPUNIT_ASSERT(listing.find("    Default: 2; allowed: 0.01..100; module: mpm_event\n") !=
                       std::string::npos);
        CPPUNIT_ASSERT(listing.find("[mpm_worker] ThreadsPerChild = number\n") != std::string::npos);
        const std::string roff = directives_roff(all_directive_tables());
        for (std::string_view section : {"mpm_worker", "mpm_event"})
            CPPUNIT_ASSERT(roff.find(".SS [" + std::string(section) + "]\n") != std::string::npos);
        CPPUNIT_ASSERT(roff.find("\nDefault: 2 (allowed: 0.01..100)\n") != std::string::npos);
        CPPUNIT_ASSERT(roff.find("\nDefault: 25 (allowed: 0 or more threads)\n") != std::string::npos);

        ServerRootDir dir;
        const LoadedConfig c = load_section(dir, kEventSection, "AsyncRequestWorkerFactor = 1.50\n");
        const std::string dump = c.raw.dump();
        CPPUNIT_ASSERT(dump.find("[mpm_event]\n") != std::string::npos);
        CPPUNIT_ASSERT(dump.find("AsyncRequestWorkerFactor = 1.5\n") != std::string::npos);
        const LoadedConfig again = dir.load(dump, false);
        assert_messages({}, again.errors);
        CPPUNIT_ASSERT_EQUAL(150LL, again.event.async_request_worker_factor);
    }

    void tables_of_every_build()
    {
        const DirectiveTables tables = all_directive_tables();
        CPPUNIT_ASSERT_EQUAL(size_t(5), tables.size());
        const std::string_view modules[] = {"core", "mpm_prefork", "mpm_worker", "mpm_event", "status"};
        for (size_t i = 0; i < tables.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(modules[i], tables[i].module);
        CPPUNIT_ASSERT_EQUAL(size_t(9), tables[2].count);
        CPPUNIT_ASSERT_EQUAL(size_t(10), tables[3].count);
        for (const Directive& d : tables[2])
            CPPUNIT_ASSERT_EQUAL(kWorkerSection, d.section);
        for (const Directive& d : tables[3])
            CPPUNIT_ASSERT_EQUAL(kEventSection, d.section);
        CPPUNIT_ASSERT(find_directive(tables, "MPM_EVENT", "asyncrequestworkerfactor"));
        CPPUNIT_ASSERT(!find_directive(tables, "mpm_worker", "AsyncRequestWorkerFactor"));
        CPPUNIT_ASSERT_EQUAL(std::string_view("ThreadsPerChild"),
                             closest_directive(tables, "ThreadPerChild")->name);
    }

    void policy_limits_follow_the_view()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_worker(dir, "ThreadsPerChild = 10\nMaxRequestWorkers = 60\n"
                                                "MinSpareThreads = 5\nMaxSpareThreads = 30\n"
                                                "ServerLimit = 8\n");
        const ThreadedLimits limits = c.worker.policy_limits();
        CPPUNIT_ASSERT_EQUAL(uint32_t(5), limits.min_spare_threads);
        CPPUNIT_ASSERT_EQUAL(uint32_t(30), limits.max_spare_threads);
        CPPUNIT_ASSERT_EQUAL(uint32_t(10), limits.threads_per_child);
        CPPUNIT_ASSERT_EQUAL(uint32_t(60), limits.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(uint32_t(8), limits.server_limit);
        CPPUNIT_ASSERT_EQUAL(uint32_t(6), limits.max_active_children());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ThreadedConfigTest);

} // namespace mpmd
