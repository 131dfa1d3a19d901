// The prefork maintenance policy against hand-built scoreboard views: spare bounds,
// the doubling spawn rate, MaxRequestWorkers, old generations.
#include "mpm/prefork_policy.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mpmd;

namespace {

SlotView idle_child(pid_t pid) { return SlotView{pid, true, false, 1, 0}; }
SlotView busy_child(pid_t pid) { return SlotView{pid, true, false, 0, 1}; }

PreforkLimits limits(uint32_t min_spare, uint32_t max_spare, uint32_t max_workers)
{
    PreforkLimits l;
    l.min_spare_servers = min_spare;
    l.max_spare_servers = max_spare;
    l.max_request_workers = max_workers;
    return l;
}

} // namespace

class PreforkPolicyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PreforkPolicyTest);
    CPPUNIT_TEST(nothing_to_do_between_the_bounds);
    CPPUNIT_TEST(stops_one_idle_child_per_pass_above_max_spare);
    CPPUNIT_TEST(spawn_rate_doubles_each_tick_up_to_32);
    CPPUNIT_TEST(spawn_rate_is_not_bounded_by_the_shortage);
    CPPUNIT_TEST(reaping_pass_does_not_double_the_rate);
    CPPUNIT_TEST(max_request_workers_reported_once_per_episode);
    CPPUNIT_TEST(old_generation_is_neither_idle_nor_free);
    CPPUNIT_TEST(leaving_children_do_not_count_against_max_request_workers);
    CPPUNIT_TEST(busy_message_from_rate_8);
    CPPUNIT_TEST_SUITE_END();

public:
    void nothing_to_do_between_the_bounds()
    {
        PreforkPolicy policy;
        std::vector<SlotView> slots(10);
        for (int i = 0; i < 6; ++i)
            slots[i] = idle_child(100 + i);
        const auto d = policy.maintain(slots, limits(5, 10, 10), true);
        CPPUNIT_ASSERT(d.spawn.empty());
        CPPUNIT_ASSERT(d.stop_gracefully.empty());
    }

    void stops_one_idle_child_per_pass_above_max_spare()
    {
        PreforkPolicy policy;
        std::vector<SlotView> slots(20);
        for (int i = 0; i < 15; ++i)
            slots[i] = idle_child(100 + i);
        slots[15] = busy_child(200);
        const auto d = policy.maintain(slots, limits(5, 10, 20), true);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.stop_gracefully.size());
        CPPUNIT_ASSERT_EQUAL(uint32_t(14), d.stop_gracefully[0]);   // the highest idle slot
        CPPUNIT_ASSERT(d.spawn.empty());
        // The pass after a child exits does not stop another one.
        CPPUNIT_ASSERT(policy.maintain(slots, limits(5, 10, 20), false).stop_gracefully.empty());
    }

    void spawn_rate_doubles_each_tick_up_to_32()
    {
        PreforkPolicy policy;
        std::vector<SlotView> slots(256);   // all busy-free: nobody idle, room for many
        const uint32_t expected[] = {1, 2, 4, 8, 16, 32, 32};
        uint32_t next_pid = 1000;
        for (uint32_t want : expected) {
            const auto d = policy.maintain(slots, limits(250, 255, 256), true);
            CPPUNIT_ASSERT_EQUAL(size_t(want), d.spawn.size());
            for (uint32_t slot : d.spawn)
                slots[slot] = busy_child(pid_t(next_pid++));   // they all got busy at once
        }
        CPPUNIT_ASSERT_EQUAL(uint32_t(32), policy.spawn_rate());
    }

    void spawn_rate_is_not_bounded_by_the_shortage()
    {
        // Apache spawns the whole rate while a shortage lasts, so a burst of long-lived
        // connections is met in seconds; the rate grows only while the shortage persists.
        PreforkPolicy policy;
        std::vector<SlotView> slots(50);
        slots[0] = idle_child(10);
        for (int pass = 0; pass < 3; ++pass)
            policy.maintain({slots[0], SlotView{}}, limits(3, 6, 50), true);
        CPPUNIT_ASSERT_EQUAL(uint32_t(8), policy.spawn_rate());
        const auto d = policy.maintain(slots, limits(3, 6, 50), true);
        CPPUNIT_ASSERT_EQUAL(size_t(8), d.spawn.size());   // 2 short, rate 8
    }

    void reaping_pass_does_not_double_the_rate()
    {
        PreforkPolicy policy;
        std::vector<SlotView> slots(10);
        policy.maintain(slots, limits(5, 10, 10), false);
        policy.maintain(slots, limits(5, 10, 10), false);
        CPPUNIT_ASSERT_EQUAL(uint32_t(1), policy.spawn_rate());
    }

    void max_request_workers_reported_once_per_episode()
    {
        PreforkPolicy policy;
        std::vector<SlotView> slots(8);
        for (int i = 0; i < 4; ++i)
            slots[i] = busy_child(100 + i);
        const auto first = policy.maintain(slots, limits(2, 4, 4), true);
        CPPUNIT_ASSERT(first.spawn.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), first.messages.size());
        CPPUNIT_ASSERT(first.messages[0].text.find("server reached MaxRequestWorkers setting") == 0);
        CPPUNIT_ASSERT(policy.maintain(slots, limits(2, 4, 4), true).messages.empty());
        // The episode ends when idle children are back; the next one is reported again.
        for (int i = 0; i < 4; ++i)
            slots[i] = idle_child(100 + i);
        policy.maintain(slots, limits(2, 4, 4), true);
        for (int i = 0; i < 4; ++i)
            slots[i] = busy_child(100 + i);
        CPPUNIT_ASSERT_EQUAL(size_t(1), policy.maintain(slots, limits(2, 4, 4), true).messages.size());
    }

    void leaving_children_do_not_count_against_max_request_workers()
    {
        PreforkPolicy policy;
        std::vector<SlotView> slots(4);   // ServerLimit 2, twice the slots
        slots[0] = SlotView{10, false, true, 0, 1};   // old generation, busy
        slots[1] = SlotView{11, false, true, 0, 1};
        const auto d = policy.maintain(slots, limits(1, 2, 2), true);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.spawn.size());
        CPPUNIT_ASSERT(d.messages.empty());
    }

    void old_generation_is_neither_idle_nor_free()
    {
        PreforkPolicy policy;
        std::vector<SlotView> slots(3);
        slots[0] = SlotView{10, false, true, 1, 0};   // leaving, idle
        slots[1] = SlotView{11, false, true, 0, 1};   // leaving, busy
        const auto d = policy.maintain(slots, limits(1, 2, 3), true);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.spawn.size());
        CPPUNIT_ASSERT_EQUAL(uint32_t(2), d.spawn[0]);
    }

    void busy_message_from_rate_8()
    {
        PreforkPolicy policy;
        std::vector<SlotView> slots(100);
        bool saw = false;
        uint32_t next_pid = 1000;
        for (int pass = 0; pass < 5; ++pass) {
            const auto d = policy.maintain(slots, limits(90, 95, 100), true);
            for (const auto& m : d.messages)
                saw = saw || m.text.find("server seems busy") == 0;
            for (uint32_t slot : d.spawn)
                slots[slot] = busy_child(pid_t(next_pid++));
        }
        CPPUNIT_ASSERT(saw);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PreforkPolicyTest);
