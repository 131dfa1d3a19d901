// The RequestTimeout scan: only a request under way, by the slot's current child, older
// than the limit, is reported, with its request line, client and age.
#include "master/request_watchdog.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstring>

using namespace mpmd;

namespace {

WorkerSample sample(uint32_t slot, uint32_t thread, pid_t pid, char status, int64_t start, int64_t stop)
{
    WorkerSample s;
    s.slot = slot;
    s.thread = thread;
    s.child_pid = pid;
    s.record.pid = pid;
    s.record.status = status;
    s.record.start_time = start;
    s.record.stop_time = stop;
    strcpy(s.record.request, "GET /__fault/hang HTTP/1.1");
    strcpy(s.record.client, "127.0.0.1");
    return s;
}

constexpr int64_t kSecond = 1000000;

} // namespace

class RequestWatchdogTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RequestWatchdogTest);
    CPPUNIT_TEST(finds_a_request_past_the_limit);
    CPPUNIT_TEST(ignores_idle_finished_and_young);
    CPPUNIT_TEST(ignores_records_of_another_pid);
    CPPUNIT_TEST(zero_limit_is_off);
    CPPUNIT_TEST(unterminated_fields_are_cut);
    CPPUNIT_TEST_SUITE_END();

public:
    void finds_a_request_past_the_limit()
    {
        const int64_t now = 1000 * kSecond;
        const std::vector<WorkerSample> samples = {
            sample(0, 0, 100, 'W', now - 3 * kSecond, 0),
            sample(2, 3, 102, 'L', now - 6 * kSecond - kSecond / 2, 0),
        };
        const auto stuck = find_stuck_requests(samples, now, 5 * kSecond);
        CPPUNIT_ASSERT_EQUAL(size_t(1), stuck.size());
        CPPUNIT_ASSERT_EQUAL(uint32_t(2), stuck[0].slot);
        CPPUNIT_ASSERT_EQUAL(uint32_t(3), stuck[0].thread);
        CPPUNIT_ASSERT_EQUAL(pid_t(102), stuck[0].pid);
        CPPUNIT_ASSERT_EQUAL(std::string("GET /__fault/hang HTTP/1.1"), stuck[0].request_line);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), stuck[0].client);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(6.5, stuck[0].seconds, 1e-9);
    }

    void ignores_idle_finished_and_young()
    {
        const int64_t now = 1000 * kSecond;
        const int64_t old = now - 60 * kSecond;
        const std::vector<WorkerSample> samples = {
            sample(0, 0, 100, '_', old, 0),               // idle (a dead child's leftovers)
            sample(0, 1, 100, 'K', old, 0),               // waiting for the next request
            sample(0, 2, 100, 'R', old, 0),               // reading: Timeout's business
            sample(1, 0, 101, 'W', old, old + kSecond),   // finished
            sample(1, 1, 101, 'W', now - kSecond, 0),     // young
            sample(1, 2, 101, 'W', 0, 0),                 // never started one
            sample(1, 3, 101, 'W', now - 5 * kSecond, 0), // exactly at the limit
        };
        CPPUNIT_ASSERT(find_stuck_requests(samples, now, 5 * kSecond).empty());
    }

    void ignores_records_of_another_pid()
    {
        const int64_t now = 1000 * kSecond;
        WorkerSample stale = sample(0, 0, 100, 'W', now - 60 * kSecond, 0);
        stale.child_pid = 200;   // the slot's child now is another process
        WorkerSample empty_slot = sample(1, 0, 100, 'W', now - 60 * kSecond, 0);
        empty_slot.child_pid = 0;
        CPPUNIT_ASSERT(find_stuck_requests({stale, empty_slot}, now, kSecond).empty());
        CPPUNIT_ASSERT(!in_request(stale.record, stale.child_pid));
        CPPUNIT_ASSERT(in_request(stale.record, 100));
    }

    void zero_limit_is_off()
    {
        const int64_t now = 1000 * kSecond;
        CPPUNIT_ASSERT(find_stuck_requests({sample(0, 0, 100, 'W', 1, 0)}, now, 0).empty());
    }

    void unterminated_fields_are_cut()
    {
        const int64_t now = 1000 * kSecond;
        WorkerSample s = sample(0, 0, 100, 'W', now - 10 * kSecond, 0);
        memset(s.record.request, 'x', sizeof s.record.request);
        memset(s.record.client, 'y', sizeof s.record.client);
        const auto stuck = find_stuck_requests({s}, now, kSecond);
        CPPUNIT_ASSERT_EQUAL(size_t(1), stuck.size());
        CPPUNIT_ASSERT_EQUAL(sizeof s.record.request, stuck[0].request_line.size());
        CPPUNIT_ASSERT_EQUAL(sizeof s.record.client, stuck[0].client.size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestWatchdogTest);
