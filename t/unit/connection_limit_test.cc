// A child's connection limit within MaxConnectionsPerChildJitter: inside [M, M + J], every
// value reachable, no limit when M is 0.
#include "child/connection_limit.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdint>
#include <set>

using namespace mpmd;

class ConnectionLimitTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConnectionLimitTest);
    CPPUNIT_TEST(no_limit_stays_no_limit);
    CPPUNIT_TEST(no_jitter_is_the_limit);
    CPPUNIT_TEST(picks_cover_the_range);
    CPPUNIT_TEST(draws_stay_in_the_range);
    CPPUNIT_TEST_SUITE_END();

public:
    void no_limit_stays_no_limit()
    {
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), pick_connection_limit(0, 50, 12345));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), draw_connection_limit(0, 50));
    }

    void no_jitter_is_the_limit()
    {
        CPPUNIT_ASSERT_EQUAL(uint64_t(100), pick_connection_limit(100, 0, 987654321));
        CPPUNIT_ASSERT_EQUAL(uint64_t(100), draw_connection_limit(100, 0));
    }

    void picks_cover_the_range()
    {
        std::set<uint64_t> seen;
        for (uint64_t r = 0; r < 20; ++r)
            seen.insert(pick_connection_limit(10, 4, r));
        CPPUNIT_ASSERT_EQUAL(size_t(5), seen.size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(10), *seen.begin());
        CPPUNIT_ASSERT_EQUAL(uint64_t(14), *seen.rbegin());
        CPPUNIT_ASSERT_EQUAL(uint64_t(10) + UINT64_MAX % 5, pick_connection_limit(10, 4, UINT64_MAX));
    }

    void draws_stay_in_the_range()
    {
        for (int i = 0; i < 200; ++i) {
            const uint64_t limit = draw_connection_limit(1000, 100);
            CPPUNIT_ASSERT(limit >= 1000 && limit <= 1100);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionLimitTest);
