// The snapshot: Apache's counting rules over a hand-built scoreboard (totals, busy and idle,
// the scoreboard line with slots beyond the limits left out, the event table), and the
// /proc/PID/stat reader.
#include "shared/status/status_snapshot.h"
#include "status_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include "shared/log_file.h"

#include <cmath>

#include <unistd.h>

using namespace mpmd;
using namespace mpmd::status_test;

class StatusSnapshotTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusSnapshotTest);
    CPPUNIT_TEST(totals_and_times);
    CPPUNIT_TEST(carried_duration_and_lost_log_lines);
    CPPUNIT_TEST(scoreboard_line_skips_slots_beyond_the_limits);
    CPPUNIT_TEST(workers_listed_are_the_used_ones);
    CPPUNIT_TEST(busy_and_idle_follow_apache);
    CPPUNIT_TEST(event_table_counts);
    CPPUNIT_TEST(rates_and_cpu);
    CPPUNIT_TEST(proc_stat_times);
    CPPUNIT_TEST_SUITE_END();

public:
    void totals_and_times()
    {
        const StatusSnapshot s = prefork_snapshot();
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), s.total_accesses);
        CPPUNIT_ASSERT_EQUAL(uint64_t(5100), s.total_bytes);
        CPPUNIT_ASSERT_EQUAL(uint64_t(4), s.total_kbytes);
        CPPUNIT_ASSERT_EQUAL(uint32_t(3725), s.uptime);   // since the master started
        CPPUNIT_ASSERT_EQUAL(kStart + 600 * kSecond, s.restart_time);
        CPPUNIT_ASSERT_EQUAL(uint32_t(3), s.config_generation);
        CPPUNIT_ASSERT_EQUAL(uint32_t(2), s.mpm_generation);
        CPPUNIT_ASSERT_EQUAL(uint64_t(115), s.total_duration_ms);   // 115.5 ms, whole ms
        CPPUNIT_ASSERT_EQUAL(38.3333f, std::round(s.duration_per_request() * 1e4f) / 1e4f);
        CPPUNIT_ASSERT_EQUAL(size_t(2), s.processes.size());
        CPPUNIT_ASSERT_EQUAL(101, int(s.processes[0].pid));
    }

    // A binary upgrade's carried time adds to the workers'; lost log lines are summed per kind
    // (word 0 the error log, the rest access logs) and a failing word is counted.
    void carried_duration_and_lost_log_lines()
    {
        auto board = prefork_board();
        GlobalScore& g = board->global();
        g.carried_duration = 2000999;
        g.log_lines_lost[kErrorLogFaultWord] = 2;
        g.log_lines_lost[3] = 5;
        g.log_lines_lost[kLogFaultWords - 1] = 1;
        g.log_faults[3] = LogFile::kFaultFailing | 4;
        const StatusSnapshot s = take_status_snapshot(*board, prefork_info());
        CPPUNIT_ASSERT_EQUAL(uint64_t(2116), s.total_duration_ms);   // 115.5 + 2000.999 ms
        CPPUNIT_ASSERT_EQUAL(uint64_t(2), s.error_log_lines_lost);
        CPPUNIT_ASSERT_EQUAL(uint64_t(6), s.access_log_lines_lost);
        CPPUNIT_ASSERT_EQUAL(1, s.logs_failing);
        CPPUNIT_ASSERT_EQUAL(std::string("Log lines lost: 2 error log, 6 access logs - 1 log file failing now"),
                             log_loss_summary(s));
        // A WorkerReport adds the time from request_started to request_finished, and only then.
        WorkerScore& w = board->worker(1, 0);
        const uint64_t before = w.duration;
        WorkerReport report(w);
        report.request_finished(10);   // no request open: no time
        CPPUNIT_ASSERT_EQUAL(before, w.duration);
        report.request_started("GET / HTTP/1.1", "h");
        w.start_time -= 250000;        // as if it began 250 ms ago
        report.request_finished(10);
        CPPUNIT_ASSERT(w.duration >= before + 250000 && w.duration < before + 250000 + 60 * kSecond);
    }

    void scoreboard_line_skips_slots_beyond_the_limits()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("W_."), prefork_snapshot().scoreboard);
        auto board = prefork_board();
        StatusServerInfo info = prefork_info();
        info.max_processes = 0;   // every slot
        CPPUNIT_ASSERT_EQUAL(std::string("W_.."), take_status_snapshot(*board, info).scoreboard);
        // A live record beyond the limit still shows (Apache skips only dead ones).
        WorkerReport(board->worker(3, 0)).start(104, 2);
        CPPUNIT_ASSERT_EQUAL(std::string("W_.S"),
                             take_status_snapshot(*board, prefork_info()).scoreboard);
    }

    void workers_listed_are_the_used_ones()
    {
        const StatusSnapshot s = prefork_snapshot();
        CPPUNIT_ASSERT_EQUAL(size_t(2), s.workers.size());
        const WorkerSnapshot& w = s.workers[0];
        CPPUNIT_ASSERT_EQUAL('W', w.status);
        CPPUNIT_ASSERT_EQUAL(std::string("GET /x HTTP/1.1"), w.request);
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7"), w.client);
        CPPUNIT_ASSERT_EQUAL(std::string("www.example.org"), w.vhost);
        CPPUNIT_ASSERT_EQUAL(uint64_t(2), w.access_count);
        CPPUNIT_ASSERT_EQUAL(uint64_t(2100), w.my_bytes_served);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), w.request_ms());   // still running
        CPPUNIT_ASSERT_EQUAL(int64_t(45), s.workers[1].request_ms());
    }

    void busy_and_idle_follow_apache()
    {
        auto board = prefork_board();
        StatusSnapshot s = take_status_snapshot(*board, prefork_info());
        CPPUNIT_ASSERT_EQUAL(1, s.busy_workers);
        CPPUNIT_ASSERT_EQUAL(1, s.idle_workers);
        // A ready worker of an old generation is not idle; starting ones are neither.
        board->process(1).generation = 1;
        WorkerReport(board->worker(2, 0)).start(103, 2);
        board->process_started(2, 103, 2);
        s = take_status_snapshot(*board, prefork_info());
        CPPUNIT_ASSERT_EQUAL(1, s.busy_workers);
        CPPUNIT_ASSERT_EQUAL(0, s.idle_workers);
        // A quiescing process counts for neither; its busy worker shows G (finishing).
        board->set_quiescing(0);
        s = take_status_snapshot(*board, prefork_info());
        CPPUNIT_ASSERT_EQUAL(0, s.busy_workers);
        CPPUNIT_ASSERT_EQUAL(1, s.stopping_processes);
        CPPUNIT_ASSERT_EQUAL(1, s.graceful_workers);
        CPPUNIT_ASSERT_EQUAL('G', s.scoreboard[0]);
    }

    void event_table_counts()
    {
        const StatusSnapshot s = event_snapshot();
        CPPUNIT_ASSERT_EQUAL(std::string("R_G."), s.scoreboard);
        CPPUNIT_ASSERT_EQUAL(1, s.busy_workers);
        CPPUNIT_ASSERT_EQUAL(1, s.idle_workers);
        CPPUNIT_ASSERT_EQUAL(1, s.graceful_workers);
        CPPUNIT_ASSERT_EQUAL(2, s.process_count);
        CPPUNIT_ASSERT_EQUAL(1, s.stopping_processes);
        CPPUNIT_ASSERT_EQUAL(1, s.async_busy_workers);
        CPPUNIT_ASSERT_EQUAL(1, s.async_idle_workers);
        CPPUNIT_ASSERT_EQUAL(uint64_t(4), s.connections_total);
        CPPUNIT_ASSERT_EQUAL(uint64_t(2), s.connections_keep_alive);   // held, not lingering
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), s.connections_closing);
        CPPUNIT_ASSERT_EQUAL(1u, s.processes[0].async_closing);
        const std::array<int, sizeof kStatusKeys> counts = count_status_keys(s.scoreboard);
        CPPUNIT_ASSERT_EQUAL(1, counts[0]);    // _
        CPPUNIT_ASSERT_EQUAL(1, counts[2]);    // R
        CPPUNIT_ASSERT_EQUAL(1, counts[8]);    // G
        CPPUNIT_ASSERT_EQUAL(1, counts[10]);   // .
        CPPUNIT_ASSERT_EQUAL(std::string_view("graceful_stop"), status_key_name('G'));
    }

    void rates_and_cpu()
    {
        StatusSnapshot s = prefork_snapshot();
        CPPUNIT_ASSERT_DOUBLES_EQUAL(3.0 / 3725, s.requests_per_second(), 1e-9);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(4096.0 / 3725, s.bytes_per_second(), 1e-6);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(4096.0 / 3, s.bytes_per_request(), 1e-3);
        CPPUNIT_ASSERT(!s.cpu_load());
        s.has_cpu = true;
        s.master_cpu = {250, 50, 100, 0};
        s.children_cpu = {10, 0, 0, 0};
        CPPUNIT_ASSERT_DOUBLES_EQUAL(2.6, s.cpu_seconds()[0], 1e-6);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(1.0, s.cpu_seconds()[2], 1e-6);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(410.0 / 100 / 3725 * 100, *s.cpu_load(), 1e-6);
    }

    void proc_stat_times()
    {
        const std::optional<CpuTimes> t = parse_proc_stat_times(
            "4242 (odd ) (name) S 1 4242 4242 0 -1 4194560 900 0 0 0 17 5 3 2 20 0 1 0 100 "
            "1000 200 18446744073709551615\n");
        CPPUNIT_ASSERT(t);
        CPPUNIT_ASSERT_EQUAL(uint64_t(17), t->user);
        CPPUNIT_ASSERT_EQUAL(uint64_t(5), t->system);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), t->children_user);
        CPPUNIT_ASSERT_EQUAL(uint64_t(2), t->children_system);
        CPPUNIT_ASSERT(!parse_proc_stat_times("4242 (x) S 1 2 3"));
        CPPUNIT_ASSERT(!parse_proc_stat_times("no parenthesis"));
        CPPUNIT_ASSERT(read_cpu_times(getpid()));
        CPPUNIT_ASSERT(clock_ticks_per_second() > 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusSnapshotTest);
