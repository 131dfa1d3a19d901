// The scoreboard segment: layout header, slot life cycle, totals kept across children,
// and that a forked child's writes are seen by the parent (real shared memory).
#include "shared/scoreboard.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

using namespace mpmd;

class ScoreboardTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ScoreboardTest);
    CPPUNIT_TEST(header_describes_the_layout);
    CPPUNIT_TEST(new_slots_are_dead);
    CPPUNIT_TEST(child_writes_are_shared_with_the_parent);
    CPPUNIT_TEST(totals_survive_a_new_process_in_the_slot);
    CPPUNIT_TEST(request_line_is_cut_to_fit);
    CPPUNIT_TEST_SUITE_END();

public:
    void header_describes_the_layout()
    {
        auto board = Scoreboard::create(8, 4);
        const GlobalScore& g = board->global();
        CPPUNIT_ASSERT_EQUAL(kScoreboardMagic, g.magic);
        CPPUNIT_ASSERT_EQUAL(kScoreboardLayoutVersion, g.layout_version);
        CPPUNIT_ASSERT_EQUAL(uint32_t(8), g.server_limit);
        CPPUNIT_ASSERT_EQUAL(uint32_t(4), g.thread_limit);
        CPPUNIT_ASSERT_EQUAL(uint32_t(sizeof(WorkerScore)), g.worker_record_size);
        CPPUNIT_ASSERT(Scoreboard::segment_size(8, 4) >= 32 * sizeof(WorkerScore));
    }

    void new_slots_are_dead()
    {
        auto board = Scoreboard::create(3, 2);
        for (uint32_t s = 0; s < 3; ++s) {
            CPPUNIT_ASSERT_EQUAL(0, int(board->snapshot(s).pid));
            for (uint32_t t = 0; t < 2; ++t)
                CPPUNIT_ASSERT_EQUAL('.', board->snapshot(s, t).status);
        }
    }

    void child_writes_are_shared_with_the_parent()
    {
        auto board = Scoreboard::create(2, 1);
        const pid_t pid = fork();
        if (pid == 0) {
            WorkerReport report(board->worker(1, 0));
            report.start(getpid(), 7);
            report.connection_started("192.0.2.9");
            report.request_started("GET /x HTTP/1.1", "example.org");
            report.request_finished(1234);
            report.set_status(WorkerStatus::KeepAlive);
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        board->process_started(1, pid, 7);
        const WorkerScore w = board->snapshot(1, 0);
        CPPUNIT_ASSERT_EQUAL('K', w.status);
        CPPUNIT_ASSERT_EQUAL(int(pid), int(w.pid));
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), w.access_count);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1234), w.bytes_served);
        CPPUNIT_ASSERT_EQUAL(std::string("GET /x HTTP/1.1"), std::string(w.request));
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.9"), std::string(w.client));
        CPPUNIT_ASSERT_EQUAL(0u, w.seq & 1);
        CPPUNIT_ASSERT_EQUAL(int(pid), int(board->snapshot(1).pid));
    }

    void totals_survive_a_new_process_in_the_slot()
    {
        auto board = Scoreboard::create(1, 1);
        WorkerReport report(board->worker(0, 0));
        report.start(100, 1);
        report.request_finished(10);
        report.request_finished(20);
        board->process_gone(0);
        CPPUNIT_ASSERT_EQUAL('.', board->snapshot(0, 0).status);
        report.start(101, 2);
        report.request_finished(5);
        const WorkerScore w = board->snapshot(0, 0);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), w.access_count);
        CPPUNIT_ASSERT_EQUAL(uint64_t(35), w.bytes_served);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), w.my_access_count);
        CPPUNIT_ASSERT_EQUAL(uint64_t(5), w.my_bytes_served);
    }

    void request_line_is_cut_to_fit()
    {
        auto board = Scoreboard::create(1, 1);
        WorkerReport report(board->worker(0, 0));
        const std::string line(1000, 'a');
        report.request_started(line, "v");
        const WorkerScore w = board->snapshot(0, 0);
        CPPUNIT_ASSERT_EQUAL(sizeof w.request - 1, std::strlen(w.request));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScoreboardTest);
