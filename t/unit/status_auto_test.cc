// ?auto: Apache 2.4.71's keys, order and number formats, line for line, and the shapes
// prometheus-apache-exporter parses. The expected texts follow what Debian's Apache/2.4.71
// mod_status printed for each MPM (ExtendedStatus On and Off), and its numbers what APR's
// apr_snprintf("%g") prints for the same values.
#include "shared/status/status_auto.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include "shared/status/status_text.h"

#include <algorithm>
#include <cmath>
#include <utility>

using namespace mpmd;
using namespace mpmd::status_test;

namespace {

size_t occurrences(const std::string& text, const std::string& what)
{
    size_t count = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++count;
    return count;
}

} // namespace

class StatusAutoTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusAutoTest);
    CPPUNIT_TEST(prefork_report_line_for_line);
    CPPUNIT_TEST(cpu_lines_and_durations);
    CPPUNIT_TEST(without_extended_status);
    CPPUNIT_TEST(event_table_follows_apache);
    CPPUNIT_TEST(worker_has_no_connection_table);
    CPPUNIT_TEST(numbers_as_apr_prints_them);
    CPPUNIT_TEST(version_has_the_exporters_shape);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { use_utc(); }

    void prefork_report_line_for_line()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("localhost\n"
                                         "ServerVersion: mpmd/0.1.0 (Unix)\n"
                                         "ServerMPM: prefork\n"
                                         "Server Built: Mar  5 2024 09:00:00\n"
                                         "CurrentTime: Tuesday, 05-Mar-2024 11:02:05 UTC\n"
                                         "RestartTime: Tuesday, 05-Mar-2024 10:10:00 UTC\n"
                                         "ParentServerConfigGeneration: 3\n"
                                         "ParentServerMPMGeneration: 2\n"
                                         "ServerUptimeSeconds: 3725\n"
                                         "ServerUptime: 1 hour 2 minutes 5 seconds\n"
                                         "Load1: 0.50\n"
                                         "Load5: 0.25\n"
                                         "Load15: 1.00\n"
                                         "Total Accesses: 3\n"
                                         "Total kBytes: 4\n"
                                         "Total Duration: 115\n"
                                         "CPUUser: 0\n"
                                         "CPUSystem: 0\n"
                                         "CPUChildrenUser: 0\n"
                                         "CPUChildrenSystem: 0\n"
                                         "Uptime: 3725\n"
                                         "ReqPerSec: .000805369\n"
                                         "BytesPerSec: 1.0996\n"
                                         "BytesPerReq: 1365.33\n"
                                         "DurationPerReq: 38.3333\n"
                                         "BusyWorkers: 1\n"
                                         "GracefulWorkers: 0\n"
                                         "IdleWorkers: 1\n"
                                         "Scoreboard: W_.\n"),
                             render_status_auto(prefork_snapshot(), StatusOptions()));
    }

    void cpu_lines_and_durations()
    {
        StatusSnapshot s = prefork_snapshot();
        s.has_cpu = true;
        s.master_cpu = {250, 50, 100, 0};
        s.total_duration_ms = 90;
        s.uptime = 86400 + 61;
        s.load.reset();
        const std::string text = render_status_auto(s, StatusOptions());
        CPPUNIT_ASSERT(text.find("ServerUptime: 1 day 1 minute 1 second\n") != std::string::npos);
        CPPUNIT_ASSERT(text.find("Load1: -1.00\nLoad5: -1.00\nLoad15: -1.00\n") != std::string::npos);
        CPPUNIT_ASSERT(text.find("Total kBytes: 4\nTotal Duration: 90\nCPUUser: 2.5\nCPUSystem: .5\n"
                                 "CPUChildrenUser: 1\nCPUChildrenSystem: 0\nCPULoad: .00462636\n"
                                 "Uptime: 86461\n") != std::string::npos);
        CPPUNIT_ASSERT(text.find("BytesPerReq: 1365.33\nDurationPerReq: 30\nBusyWorkers") !=
                       std::string::npos);
        // In the first second Apache still prints CPULoad, its division by an uptime of 0
        // giving infinity, which APR's "%g" spells 0.e+79.
        s.uptime = 0;
        const std::string first_second = render_status_auto(s, StatusOptions());
        CPPUNIT_ASSERT(first_second.find("CPUChildrenSystem: 0\nCPULoad: 0.e+79\nUptime: 0\nBytesPerReq:") !=
                       std::string::npos);
        // No CPU time counted: no CPULoad, as in Apache.
        s.master_cpu = {};
        CPPUNIT_ASSERT(render_status_auto(s, StatusOptions()).find("CPULoad") == std::string::npos);
    }

    void without_extended_status()
    {
        StatusOptions options;
        options.extended_status = false;
        const std::string text = render_status_auto(prefork_snapshot(), options);
        CPPUNIT_ASSERT(text.find("Load15: 1.00\nBusyWorkers: 1\nGracefulWorkers: 0\nIdleWorkers: 1\n"
                                 "Scoreboard: W_.\n") !=
                       std::string::npos);
        CPPUNIT_ASSERT(text.find("Total Accesses") == std::string::npos);
        CPPUNIT_ASSERT(text.find("\nUptime:") == std::string::npos);
    }

    void event_table_follows_apache()
    {
        const std::string text = render_status_auto(event_snapshot(), StatusOptions());
        CPPUNIT_ASSERT(text.find("ServerMPM: event\n") != std::string::npos);
        // Each key once (older 2.4 releases printed BusyWorkers and IdleWorkers twice).
        CPPUNIT_ASSERT(text.find("BusyWorkers: 1\nGracefulWorkers: 1\nIdleWorkers: 1\nProcesses: 2\n"
                                 "Stopping: 1\nConnsTotal: 4\nConnsAsyncWaitIO: 0\nConnsAsyncWriting: 0\n"
                                 "ConnsAsyncKeepAlive: 2\nConnsAsyncClosing: 1\nScoreboard: R_G.\n") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, occurrences(text, "BusyWorkers:"));
        CPPUNIT_ASSERT_EQUAL(size_t{1}, occurrences(text, "IdleWorkers:"));
        // No request yet: no rates, as Apache leaves them out.
        CPPUNIT_ASSERT(text.find("BytesPerReq") == std::string::npos);
    }

    // Apache 2.4.71 prints the Processes/Conns* lines for an asynchronous MPM only: worker,
    // threaded but synchronous, has none.
    void worker_has_no_connection_table()
    {
        StatusSnapshot s = event_snapshot();
        s.server.mpm_name = "worker";
        s.server.async = false;
        const std::string text = render_status_auto(s, StatusOptions());
        CPPUNIT_ASSERT(text.find("IdleWorkers: 1\nScoreboard: R_G.\n") != std::string::npos);
        CPPUNIT_ASSERT(text.find("Processes:") == std::string::npos);
        CPPUNIT_ASSERT(text.find("Conns") == std::string::npos);
    }

    // What apr_snprintf("%g") (libapr1 1.7.2) printed for each value: six significant digits
    // with APR's half-up rounding, no leading zero, exponents unpadded.
    void numbers_as_apr_prints_them()
    {
        const std::pair<double, const char*> cases[] = {
            {0, "0"}, {0.01, ".01"}, {0.5, ".5"}, {-0.5, "-.5"}, {1, "1"}, {1536, "1536"},
            {341.3333, "341.333"}, {1.333333, "1.33333"}, {0.0686567, ".0686567"}, {1e5, "1.e+5"},
            {123456, "123456"}, {1e6, "1.e+6"}, {1234567, "1234570"}, {999999.5, "1.e+6"},
            {0.0001, ".0001"}, {0.00012345, ".00012345"}, {1e-5, "1.e-5"},
            {12345678901.0, "1.23457e+10"}, {100, "100"}, {1e21, "1.e+21"}, {0.1 + 0.2, ".3"},
            {3.9999996, "4"}, {5822625.0, "5822630"}, {36726.25, "36726.3"},
            {0.001560385, ".00156038"}, {0.02478545, ".0247854"}, {1e100, "0.e+79"},
            {HUGE_VAL, "0.e+79"}};
        for (const auto& [value, expected] : cases)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::to_string(value), std::string(expected), apache_g(value));
    }

    void version_has_the_exporters_shape()
    {
        // collector.go: strings.Split(v, "/")[1], then Split(" ")[0], then three '.' parts.
        StatusSnapshot s = prefork_snapshot();
        s.server = StatusServerInfo();
        const std::string text = render_status_auto(s, StatusOptions());
        const size_t at = text.find("ServerVersion: mpmd/");
        CPPUNIT_ASSERT(at != std::string::npos);
        const std::string line = text.substr(at, text.find('\n', at) - at);
        const std::string version = line.substr(line.find('/') + 1, line.find(' ', line.find('/')) - line.find('/') - 1);
        CPPUNIT_ASSERT_EQUAL(size_t(2), size_t(std::count(version.begin(), version.end(), '.')));
        CPPUNIT_ASSERT(line.size() > at && line.find(" (Unix)") != std::string::npos);
        // Every other line is "Key: value" with a numeric value where Apache's is numeric.
        s = prefork_snapshot();
        s.server.server_name = "evil\nTotal Accesses: 99";
        const std::string forged = render_status_auto(s, StatusOptions());
        CPPUNIT_ASSERT(forged.find("\nTotal Accesses: 99") == std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusAutoTest);
