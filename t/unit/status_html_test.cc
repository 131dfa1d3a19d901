// The HTML page: Apache's content, escaping of every client-controlled text, the refresh
// tag, the scoreboard grid, and the ExtendedStatus Off page.
#include "shared/status/status_html.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mpmd;
using namespace mpmd::status_test;

namespace {

bool has(const std::string& text, const std::string& piece)
{
    return text.find(piece) != std::string::npos;
}

} // namespace

class StatusHtmlTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusHtmlTest);
    CPPUNIT_TEST(page_has_apaches_content);
    CPPUNIT_TEST(client_text_is_escaped);
    CPPUNIT_TEST(refresh_and_grid);
    CPPUNIT_TEST(extended_off);
    CPPUNIT_TEST(event_table);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { use_utc(); }

    void page_has_apaches_content()
    {
        StatusOptions options;
        options.local_address = "127.0.0.1";
        const std::string page = render_status_html(prefork_snapshot(), options);
        CPPUNIT_ASSERT(page.rfind("<!DOCTYPE html>\n", 0) == 0);
        CPPUNIT_ASSERT(has(page, "<h1>mpmd Server Status for localhost (via 127.0.0.1)</h1>"));
        CPPUNIT_ASSERT(has(page, "<dt>Server Version: mpmd/0.1.0 (Unix)</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>Server MPM: prefork</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>Current Time: Tuesday, 05-Mar-2024 11:02:05 UTC</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>Restart Time: Tuesday, 05-Mar-2024 10:10:00 UTC</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>Parent Server Config. Generation: 3</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>Server uptime:  1 hour 2 minutes 5 seconds</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>Server load: 0.50 0.25 1.00</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>Total accesses: 3 - Total Traffic: 4 kB - Total Duration: 115</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>CPU Usage: u0 s0 cu0 cs0</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>0.000805 requests/sec - 1 B/second - 1365 B/request - 38.3333 ms/request</dt>\n"
                                 "<dt>Log lines lost: 0 error log, 0 access logs</dt>"));
        CPPUNIT_ASSERT(has(page, "<dt>1 requests currently being processed, 0 workers gracefully restarting, 1 idle workers</dt>"));
        CPPUNIT_ASSERT(has(page, "<pre class=\"grid\">W_.</pre>"));
        CPPUNIT_ASSERT(has(page, "<tr><td><b>0-2</b></td><td class=\"n\">101</td>"
                                 "<td class=\"n\">2/2/2</td><td><b>W</b></td><td class=\"n\">-</td>"
                                 "<td class=\"n\">2</td><td class=\"n\">0</td><td class=\"n\">70</td>"
                                 "<td class=\"n\">2.1</td>"
                                 "<td class=\"n\">0.00</td><td class=\"n\">0.00</td>"
                                 "<td>192.0.2.7</td><td class=\"req\">www.example.org</td>"
                                 "<td class=\"req\">GET /x HTTP/1.1</td></tr>"));
        CPPUNIT_ASSERT(has(page, "<td>_</td>"));
        CPPUNIT_ASSERT(page.size() > 20 && page.substr(page.size() - 15) == "</body></html>\n");
        CPPUNIT_ASSERT(!has(page, "http-equiv"));
    }

    void client_text_is_escaped()
    {
        auto board = prefork_board();
        WorkerReport report(board->worker(0, 0));
        report.connection_started("<img src=x>");
        report.request_started("GET /<script>alert('x')</script>&\"\x1b HTTP/1.1", "a<b>&c");
        StatusSnapshot s = take_status_snapshot(*board, prefork_info());
        s.server.server_name = "<host>";
        const std::string page = render_status_html(s, StatusOptions());
        CPPUNIT_ASSERT(!has(page, "<script>"));
        CPPUNIT_ASSERT(!has(page, "<img"));
        CPPUNIT_ASSERT(!has(page, "<host>"));
        CPPUNIT_ASSERT(has(page, "GET /&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\\&quot;\\x1b HTTP/1.1"));
        CPPUNIT_ASSERT(has(page, "<td>&lt;img src=x&gt;</td>"));
        CPPUNIT_ASSERT(has(page, "a&lt;b&gt;&amp;c"));
        CPPUNIT_ASSERT(has(page, "Status for &lt;host&gt;</h1>"));
    }

    void refresh_and_grid()
    {
        auto board = Scoreboard::create(130, 1);
        StatusServerInfo info = prefork_info();
        info.max_processes = 0;
        StatusOptions options;
        options.refresh = 5;
        const std::string page = render_status_html(take_status_snapshot(*board, info), options);
        CPPUNIT_ASSERT(has(page, "<meta http-equiv=\"refresh\" content=\"5\">"));
        const std::string line(64, '.');
        CPPUNIT_ASSERT(has(page, "<pre class=\"grid\">" + line + "\n" + line + "\n..</pre>"));
    }

    void extended_off()
    {
        StatusOptions options;
        options.extended_status = false;
        const std::string page = render_status_html(prefork_snapshot(), options);
        CPPUNIT_ASSERT(!has(page, "Total accesses"));
        CPPUNIT_ASSERT(!has(page, "192.0.2.7"));
        CPPUNIT_ASSERT(!has(page, "<th>Srv</th>"));
        CPPUNIT_ASSERT(has(page, "   101 in state: W ,   102 in state: _ ,"));
        CPPUNIT_ASSERT(has(page, "<code>ExtendedStatus On</code>"));
    }

    void event_table()
    {
        const std::string page = render_status_html(event_snapshot(), StatusOptions());
        CPPUNIT_ASSERT(has(page, "<td>yes (old gen)</td>"));
        CPPUNIT_ASSERT(has(page, "<tr><td>Sum</td><td class=\"n\">2</td><td class=\"n\">1</td>"
                                 "<td class=\"n\">4</td>"));
        // Async connections: 2 kept alive, 1 lingering, in slot 0 and in the sum.
        CPPUNIT_ASSERT(has(page, "<td class=\"n\">2</td><td class=\"n\">1</td></tr>\n<tr><td class=\"n\">1</td>"));
        CPPUNIT_ASSERT(has(page, "<td class=\"n\">2</td><td class=\"n\">1</td></tr>\n</table>"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusHtmlTest);
