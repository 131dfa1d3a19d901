// ?auto: Apache 2.4.57's keys, order and number formats, line for line, and the shapes
// prometheus-apache-exporter parses.
#include "shared/status/status_auto.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

using namespace mpmd;
using namespace mpmd::status_test;

class StatusAutoTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusAutoTest);
    CPPUNIT_TEST(prefork_report_line_for_line);
    CPPUNIT_TEST(cpu_lines_and_durations);
    CPPUNIT_TEST(without_extended_status);
    CPPUNIT_TEST(event_table_follows_apache);
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
                                         "CPUUser: 0\n"
                                         "CPUSystem: 0\n"
                                         "CPUChildrenUser: 0\n"
                                         "CPUChildrenSystem: 0\n"
                                         "Uptime: 3725\n"
                                         "ReqPerSec: 0.000805369\n"
                                         "BytesPerSec: 1.0996\n"
                                         "BytesPerReq: 1365.33\n"
                                         "BusyWorkers: 1\n"
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
        CPPUNIT_ASSERT(text.find("Total kBytes: 4\nTotal Duration: 90\nCPUUser: 2.5\nCPUSystem: 0.5\n"
                                 "CPUChildrenUser: 1\nCPUChildrenSystem: 0\nCPULoad: 0.00462636\n"
                                 "Uptime: 86461\n") != std::string::npos);
        CPPUNIT_ASSERT(text.find("BytesPerReq: 1365.33\nDurationPerReq: 30\nBusyWorkers") !=
                       std::string::npos);
    }

    void without_extended_status()
    {
        StatusOptions options;
        options.extended_status = false;
        const std::string text = render_status_auto(prefork_snapshot(), options);
        CPPUNIT_ASSERT(text.find("Load15: 1.00\nBusyWorkers: 1\nIdleWorkers: 1\nScoreboard: W_.\n") !=
                       std::string::npos);
        CPPUNIT_ASSERT(text.find("Total Accesses") == std::string::npos);
        CPPUNIT_ASSERT(text.find("\nUptime:") == std::string::npos);
    }

    void event_table_follows_apache()
    {
        const std::string text = render_status_auto(event_snapshot(), StatusOptions());
        CPPUNIT_ASSERT(text.find("ServerMPM: event\n") != std::string::npos);
        CPPUNIT_ASSERT(text.find("BusyWorkers: 1\nIdleWorkers: 1\nProcesses: 2\nStopping: 1\n"
                                 "BusyWorkers: 1\nIdleWorkers: 1\nConnsTotal: 4\n"
                                 "ConnsAsyncWriting: 0\nConnsAsyncKeepAlive: 3\n"
                                 "ConnsAsyncClosing: 0\nScoreboard: R_G.\n") != std::string::npos);
        // No request yet: no rates, as Apache leaves them out.
        CPPUNIT_ASSERT(text.find("BytesPerReq") == std::string::npos);
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
