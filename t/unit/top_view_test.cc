// `mpmctl top`: a frame of the hand-built prefork scoreboard (status_test_support.h) has the
// header, the grid and a row for the busy worker; lines fit the window; the rate is over the
// time between frames; the escapes are the plain ECMA-48 ones.
#include "ctl/top_view.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mpmd;
using namespace mpmd::status_test;

namespace {

bool has_line_starting(const std::vector<std::string>& lines, const std::string& start)
{
    for (const std::string& line : lines)
        if (line.compare(0, start.size(), start) == 0)
            return true;
    return false;
}

} // namespace

class TopViewTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TopViewTest);
    CPPUNIT_TEST(frame_shows_header_grid_and_busy_worker);
    CPPUNIT_TEST(lines_fit_the_window);
    CPPUNIT_TEST(rate_is_between_frames);
    CPPUNIT_TEST(frame_uses_plain_escapes);
    CPPUNIT_TEST(seconds_in_the_current_request);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { use_utc(); }

    void frame_shows_header_grid_and_busy_worker()
    {
        TopView view;
        const std::vector<std::string> lines = view.lines(prefork_snapshot(), TopSize{120, 40});
        CPPUNIT_ASSERT_EQUAL(std::string("mpmd top - mpmd/0.1.0 (Unix)  prefork MPM  11:02:05  up 1 hour 2 minutes "
                                         "5 seconds"),
                             lines.at(0));
        CPPUNIT_ASSERT(lines.at(1).find("generation 2") == 0);
        CPPUNIT_ASSERT(lines.at(1).find("busy 1  idle 1") != std::string::npos);
        CPPUNIT_ASSERT(lines.at(2).find("accesses 3  traffic 4 kB") == 0);
        CPPUNIT_ASSERT(has_line_starting(lines, "  W_."));
        CPPUNIT_ASSERT(has_line_starting(lines, "_ wait  S start"));
        CPPUNIT_ASSERT(has_line_starting(lines, "0.0    101      W   2     192.0.2.7               www.example.org "
                                                "  GET /x HTTP/1.1"));
        CPPUNIT_ASSERT(!has_line_starting(lines, "1.0"));   // the ready worker is not busy
    }

    void lines_fit_the_window()
    {
        TopView view;
        const std::vector<std::string> lines = view.lines(prefork_snapshot(), TopSize{20, 6});
        CPPUNIT_ASSERT_EQUAL(size_t(6), lines.size());
        for (const std::string& line : lines)
            CPPUNIT_ASSERT(line.size() <= 20);
    }

    void rate_is_between_frames()
    {
        TopView view;
        StatusSnapshot s = prefork_snapshot();
        view.lines(s, TopSize{120, 40});
        s.now += 2 * kSecond;
        s.total_accesses += 10;
        const std::vector<std::string> lines = view.lines(s, TopSize{120, 40});
        CPPUNIT_ASSERT_MESSAGE(lines.at(2), lines.at(2).find("req/s 5.0 (avg ") != std::string::npos);
    }

    void frame_uses_plain_escapes()
    {
        TopView view;
        const std::string frame = view.frame(prefork_snapshot(), TopSize{120, 40});
        CPPUNIT_ASSERT(frame.compare(0, 7, "\x1b[H\x1b[1m") == 0);
        CPPUNIT_ASSERT(frame.find("\x1b[7mSLOT") != std::string::npos);
        CPPUNIT_ASSERT(frame.size() >= 3 && frame.compare(frame.size() - 3, 3, "\x1b[J") == 0);
    }

    void seconds_in_the_current_request()
    {
        WorkerSnapshot w;
        w.start_time = kNow - 7 * kSecond;
        w.last_used = kNow - 1 * kSecond;
        CPPUNIT_ASSERT_EQUAL(int64_t(7), worker_seconds(w, kNow));
        w.stop_time = kNow - 3 * kSecond;
        CPPUNIT_ASSERT_EQUAL(int64_t(1), worker_seconds(w, kNow));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TopViewTest);
