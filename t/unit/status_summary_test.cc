// `mpmctl status`: the summary of a hand-built prefork scoreboard (status_test_support.h)
// states its true figures, and client text cannot drive the terminal.
#include "ctl/ctl_snapshot.h"
#include "ctl/status_summary.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

using namespace mpmd;
using namespace mpmd::status_test;

class StatusSummaryTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusSummaryTest);
    CPPUNIT_TEST(summary_states_the_figures);
    CPPUNIT_TEST(process_table_has_one_row_per_live_process);
    CPPUNIT_TEST(terminal_safe_neutralises_escapes);
    CPPUNIT_TEST(server_info_comes_from_the_segment);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { use_utc(); }

    void summary_states_the_figures()
    {
        const std::string text = render_status_summary(prefork_snapshot());
        for (const char* line : {"Server Version: mpmd/0.1.0 (Unix)\n", "Server MPM: prefork\n",
                                 "Restart Time: Tuesday, 05-Mar-2024 10:10:00 UTC\n",
                                 "Server uptime: 1 hour 2 minutes 5 seconds\n",
                                 "Total accesses: 3 - Total Traffic: 4 kB - Total Duration: 115 ms\n",
                                 "0.000805369 requests/sec - 1 B/second - 1365 B/request - 38.3333 ms/request\n",
                                 "Log lines lost: 0 error log, 0 access logs\n",
                                 "1 requests currently being processed, 0 workers gracefully restarting, 1 idle workers\n",
                                 "Scoreboard: W_.\n", "  \"W\" Sending Reply\n"})
            CPPUNIT_ASSERT_MESSAGE(std::string(line) + " in\n" + text, text.find(line) != std::string::npos);
    }

    void process_table_has_one_row_per_live_process()
    {
        const std::string text = render_status_summary(prefork_snapshot());
        const size_t table = text.find("Slot  PID");
        CPPUNIT_ASSERT(table != std::string::npos);
        const std::string rows = text.substr(text.find('\n', table) + 1);
        CPPUNIT_ASSERT_EQUAL(std::string("0     101      2    no        1     0     2         2100 B\n"
                                         "1     102      2    no        0     1     1         3000 B\n"),
                             rows);
    }

    void terminal_safe_neutralises_escapes()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("GET /?[2J? HTTP/1.1"), terminal_safe("GET /\x1b[2J\xff HTTP/1.1"));
    }

    void server_info_comes_from_the_segment()
    {
        auto board = Scoreboard::create(2, 1);
        board->describe("worker", "mpmd/9.9.9 (Unix)", 2, 1);
        board->global().mpm_threaded = 1;
        const StatusServerInfo info = attached_server_info(*board, false);
        CPPUNIT_ASSERT_EQUAL(std::string("worker"), info.mpm_name);
        CPPUNIT_ASSERT_EQUAL(std::string("mpmd/9.9.9 (Unix)"), info.server_version);
        CPPUNIT_ASSERT(info.threaded && !info.async);
        CPPUNIT_ASSERT_EQUAL(uint32_t(2), info.max_processes);
        CPPUNIT_ASSERT_EQUAL(int(getpid()), int(info.master_pid));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusSummaryTest);
