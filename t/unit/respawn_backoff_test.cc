// RespawnBackoff: failed starts double the delay up to the ceiling; a child that lives
// through the window, or dies only after it, ends the episode.
#include "master/respawn_backoff.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

using namespace mpmd;

class RespawnBackoffTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RespawnBackoffTest);
    CPPUNIT_TEST(no_failure_no_wait);
    CPPUNIT_TEST(early_deaths_double_up_to_the_ceiling);
    CPPUNIT_TEST(late_death_is_not_a_failed_start);
    CPPUNIT_TEST(a_child_living_through_the_window_resets);
    CPPUNIT_TEST(older_children_prove_nothing);
    CPPUNIT_TEST(one_probe_at_a_time);
    CPPUNIT_TEST_SUITE_END();

    static RespawnBackoff::Settings settings()
    {
        RespawnBackoff::Settings s;
        s.early_death_ms = 1000;
        s.first_delay_ms = 100;
        s.max_delay_ms = 1000;
        return s;
    }

public:
    void no_failure_no_wait()
    {
        RespawnBackoff b(settings());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.wait_ms(5));
        CPPUNIT_ASSERT_EQUAL(0u, b.failures());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.current_delay_ms());
    }

    void early_deaths_double_up_to_the_ceiling()
    {
        RespawnBackoff b(settings());
        int64_t now = 10000;
        const int64_t expected[] = {0, 100, 200, 400, 800, 1000, 1000};
        for (int64_t delay : expected) {
            CPPUNIT_ASSERT_EQUAL(delay, b.child_died(now - 5, now));
            CPPUNIT_ASSERT_EQUAL(delay, b.wait_ms(now));
            CPPUNIT_ASSERT_EQUAL(std::max<int64_t>(0, delay - 40), b.wait_ms(now + 40));
            CPPUNIT_ASSERT_EQUAL(int64_t(0), b.wait_ms(now + delay));
            now += delay + 5;
        }
        CPPUNIT_ASSERT_EQUAL(7u, b.failures());
        for (int i = 0; i < 100; ++i)
            b.child_died(now, now + 1);
        CPPUNIT_ASSERT_EQUAL(int64_t(1000), b.current_delay_ms());
    }

    void late_death_is_not_a_failed_start()
    {
        RespawnBackoff b(settings());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.child_died(0, 1000));
        CPPUNIT_ASSERT_EQUAL(0u, b.failures());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.child_died(1900, 1950));   // the first is free
        CPPUNIT_ASSERT_EQUAL(int64_t(100), b.child_died(2000, 2999));
        CPPUNIT_ASSERT_EQUAL(2u, b.failures());
        // A child forked after that failure got going before it died: the episode is over.
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.child_died(3100, 5000));
        CPPUNIT_ASSERT_EQUAL(0u, b.failures());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.wait_ms(3100));
        // Killed young, but it had been ready to serve: not a failed start either.
        b.child_died(6000, 6001);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.child_died(6002, 6100, true));
        CPPUNIT_ASSERT_EQUAL(0u, b.failures());
    }

    void a_child_living_through_the_window_resets()
    {
        RespawnBackoff b(settings());
        b.child_died(0, 10);
        b.child_died(200, 210);
        CPPUNIT_ASSERT_EQUAL(2u, b.failures());
        CPPUNIT_ASSERT(!b.child_alive(500, 1499));   // not through the window yet
        CPPUNIT_ASSERT_EQUAL(2u, b.failures());
        CPPUNIT_ASSERT(b.child_alive(500, 1500));
        CPPUNIT_ASSERT_EQUAL(0u, b.failures());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.child_died(2000, 2001));   // starts over: the first is free
        CPPUNIT_ASSERT_EQUAL(int64_t(100), b.child_died(2001, 2002));
    }

    void older_children_prove_nothing()
    {
        RespawnBackoff b(settings());
        b.child_died(5000, 5010);
        // Forked before the failure: it says nothing about whether a start works now.
        CPPUNIT_ASSERT(!b.child_alive(0, 9000));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.child_died(0, 9000));
        CPPUNIT_ASSERT_EQUAL(1u, b.failures());
        b.reset();
        CPPUNIT_ASSERT_EQUAL(0u, b.failures());
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.wait_ms(5011));
    }

    void one_probe_at_a_time()
    {
        RespawnBackoff b(settings());
        b.spawned(50);   // no back-off: not a probe
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.wait_ms(0));
        b.child_died(0, 5);
        b.spawned(49);   // one failure costs no delay: not a probe either
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.wait_ms(6));
        b.child_died(0, 10);
        CPPUNIT_ASSERT_EQUAL(int64_t(90), b.wait_ms(20));
        b.spawned(51);   // after the delay: the probe
        CPPUNIT_ASSERT_EQUAL(RespawnBackoff::kUntilProbeEnds, b.wait_ms(500));
        b.child_left(50);   // another child leaving says nothing
        CPPUNIT_ASSERT_EQUAL(RespawnBackoff::kUntilProbeEnds, b.wait_ms(500));
        CPPUNIT_ASSERT_EQUAL(int64_t(200), b.child_died(110, 120));   // the probe failed too
        CPPUNIT_ASSERT_EQUAL(int64_t(200), b.wait_ms(120));
        b.spawned(52);
        b.child_left(52);   // stopped on purpose: the next spawn may go at once
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.wait_ms(320));
        b.spawned(53);
        CPPUNIT_ASSERT(b.child_alive(330, 1330));
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.wait_ms(1330));
        CPPUNIT_ASSERT_EQUAL(0u, b.failures());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RespawnBackoffTest);
