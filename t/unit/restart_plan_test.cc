// children_for_new_generation: the busy capacity of the old generation, at least
// StartServers, at most what the MPM allows.
#include "master/restart_plan.h"

#include <cppunit/extensions/HelperMacros.h>

namespace mpmd {

class RestartPlanTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RestartPlanTest);
    CPPUNIT_TEST(idle_server_starts_start_servers);
    CPPUNIT_TEST(busy_prefork_children_are_replaced_one_for_one);
    CPPUNIT_TEST(busy_threads_round_up_to_whole_children);
    CPPUNIT_TEST(quiescing_and_free_slots_do_not_count);
    CPPUNIT_TEST(never_beyond_the_mpm_limit);
    CPPUNIT_TEST_SUITE_END();

    static SlotView child(uint32_t busy, uint32_t idle, bool quiescing = false)
    {
        SlotView v;
        v.pid = 100;
        v.current_generation = true;
        v.busy_workers = busy;
        v.idle_workers = idle;
        v.quiescing = quiescing;
        return v;
    }

public:
    void idle_server_starts_start_servers()
    {
        const std::vector<SlotView> old = {child(0, 1), child(0, 1), SlotView{}};
        CPPUNIT_ASSERT_EQUAL(5u, children_for_new_generation(old, RestartSizes{5, 1, 256}));
    }

    void busy_prefork_children_are_replaced_one_for_one()
    {
        std::vector<SlotView> old;
        for (int i = 0; i < 20; ++i)
            old.push_back(child(1, 0));
        old.push_back(child(0, 1));
        CPPUNIT_ASSERT_EQUAL(20u, children_for_new_generation(old, RestartSizes{5, 1, 256}));
    }

    void busy_threads_round_up_to_whole_children()
    {
        const std::vector<SlotView> old = {child(25, 0), child(25, 0), child(1, 24), child(0, 25)};
        CPPUNIT_ASSERT_EQUAL(3u, children_for_new_generation(old, RestartSizes{2, 25, 16}));
    }

    void quiescing_and_free_slots_do_not_count()
    {
        // A child already leaving (an older generation, or trimmed) is not load this
        // generation has to take over: it finishes where it is.
        const std::vector<SlotView> old = {child(1, 0, true), child(1, 0, true), child(1, 0), SlotView{}};
        CPPUNIT_ASSERT_EQUAL(1u, children_for_new_generation(old, RestartSizes{1, 1, 256}));
    }

    void never_beyond_the_mpm_limit()
    {
        std::vector<SlotView> old(10, child(1, 0));
        CPPUNIT_ASSERT_EQUAL(4u, children_for_new_generation(old, RestartSizes{2, 1, 4}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RestartPlanTest);

} // namespace mpmd
