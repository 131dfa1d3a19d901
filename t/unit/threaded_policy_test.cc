// The worker/event maintenance policy against hand-built scoreboard views: spare-thread
// bounds, one stop per tick, the doubling spawn rate, the active-children limit and its
// once-per-episode message, and old generations that must not block a new one.
// Runs in: the unit-test process only.
#include "mpm/threaded_policy.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mpmd;

namespace {

SlotView child(pid_t pid, uint32_t idle, uint32_t busy)
{
    return SlotView{pid, true, false, idle, busy};
}
SlotView old_child(pid_t pid) { return SlotView{pid, false, false, 0, 10}; }
SlotView quiescing_child(pid_t pid) { return SlotView{pid, true, true, 10, 0}; }

ThreadedLimits limits(uint32_t min_spare, uint32_t max_spare, uint32_t per_child,
                      uint32_t max_workers, uint32_t server_limit)
{
    ThreadedLimits l;
    l.min_spare_threads = min_spare;
    l.max_spare_threads = max_spare;
    l.threads_per_child = per_child;
    l.max_request_workers = max_workers;
    l.server_limit = server_limit;
    return l;
}

// Each spawned slot gets a child whose threads are all busy, as if the spawn had already
// been answered by traffic: the shortage stays and the rate shows.
void start_busy(std::vector<SlotView>& slots, const MaintenanceDecision& d, uint32_t per_child)
{
    for (uint32_t slot : d.spawn)
        slots[slot] = child(pid_t(1000 + slot), 0, per_child);
}

size_t count_messages(const MaintenanceDecision& d, const std::string& start)
{
    size_t n = 0;
    for (const MpmMessage& m : d.messages)
        n += m.text.compare(0, start.size(), start) == 0 ? 1 : 0;
    return n;
}

// "4 5 6": slot lists compared as text, so a failure prints them.
std::string slot_list(const std::vector<uint32_t>& slots)
{
    std::string text;
    for (uint32_t slot : slots)
        text += (text.empty() ? "" : " ") + std::to_string(slot);
    return text;
}

const std::string kReached = "server reached MaxRequestWorkers setting";

} // namespace

class ThreadedPolicyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ThreadedPolicyTest);
    CPPUNIT_TEST(nothing_to_do_between_the_bounds);
    CPPUNIT_TEST(default_limits_are_apaches);
    CPPUNIT_TEST(stops_one_child_per_tick_above_max_spare);
    CPPUNIT_TEST(idle_threads_of_leaving_children_do_not_count);
    CPPUNIT_TEST(starting_child_counts_as_idle);
    CPPUNIT_TEST(spawn_rate_doubles_each_tick_up_to_32);
    CPPUNIT_TEST(reaping_pass_does_not_double_the_rate);
    CPPUNIT_TEST(spawn_rate_is_not_bounded_by_the_shortage);
    CPPUNIT_TEST(active_children_limited_by_max_request_workers);
    CPPUNIT_TEST(max_request_workers_reported_once_per_episode);
    CPPUNIT_TEST(old_generation_does_not_block_a_new_one);
    CPPUNIT_TEST(full_scoreboard_below_the_limit_is_reported_once);
    CPPUNIT_TEST(busy_message_from_rate_8);
    CPPUNIT_TEST(reset_forgets_rate_and_episodes);
    CPPUNIT_TEST_SUITE_END();

public:
    void nothing_to_do_between_the_bounds()
    {
        ThreadedPolicy policy;
        std::vector<SlotView> slots(8);
        for (int i = 0; i < 4; ++i)
            slots[i] = child(100 + i, 20, 5);   // 80 idle: 75 <= 80 <= 250
        const auto d = policy.maintain(slots, ThreadedLimits(), true);
        CPPUNIT_ASSERT(d.spawn.empty());
        CPPUNIT_ASSERT(d.stop_gracefully.empty());
        CPPUNIT_ASSERT(d.messages.empty());
        CPPUNIT_ASSERT_EQUAL(uint32_t(1), policy.spawn_rate());
    }

    void default_limits_are_apaches()
    {
        const ThreadedLimits l;
        CPPUNIT_ASSERT_EQUAL(uint32_t(75), l.min_spare_threads);
        CPPUNIT_ASSERT_EQUAL(uint32_t(250), l.max_spare_threads);
        CPPUNIT_ASSERT_EQUAL(uint32_t(25), l.threads_per_child);
        CPPUNIT_ASSERT_EQUAL(uint32_t(400), l.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(uint32_t(16), l.max_active_children());
        CPPUNIT_ASSERT_EQUAL(uint32_t(4), limits(1, 2, 25, 100, 16).max_active_children());
        CPPUNIT_ASSERT_EQUAL(uint32_t(3), limits(1, 2, 25, 400, 3).max_active_children());
    }

    void stops_one_child_per_tick_above_max_spare()
    {
        ThreadedPolicy policy;
        std::vector<SlotView> slots(32);
        for (int i = 0; i < 12; ++i)
            slots[i] = child(100 + i, 25, 0);     // 300 idle > 250
        slots[12] = child(200, 0, 25);            // busy: not a victim
        slots[13] = quiescing_child(201);         // leaving already: not a victim
        const auto d = policy.maintain(slots, ThreadedLimits(), true);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.stop_gracefully.size());
        CPPUNIT_ASSERT_EQUAL(uint32_t(11), d.stop_gracefully[0]);   // the highest idle slot
        CPPUNIT_ASSERT(d.spawn.empty());
        // The pass after a child exits does not stop another one.
        CPPUNIT_ASSERT(policy.maintain(slots, ThreadedLimits(), false).stop_gracefully.empty());
        // The next tick stops the next one.
        slots[11].quiescing = true;
        const auto again = policy.maintain(slots, ThreadedLimits(), true);
        CPPUNIT_ASSERT_EQUAL(size_t(1), again.stop_gracefully.size());
        CPPUNIT_ASSERT_EQUAL(uint32_t(10), again.stop_gracefully[0]);
        // 250 idle is not above MaxSpareThreads.
        slots[10].quiescing = true;
        CPPUNIT_ASSERT(policy.maintain(slots, ThreadedLimits(), true).stop_gracefully.empty());
    }

    void idle_threads_of_leaving_children_do_not_count()
    {
        ThreadedPolicy policy;
        std::vector<SlotView> slots(32);
        slots[0] = child(100, 25, 0);
        slots[1] = child(101, 25, 0);
        for (int i = 2; i < 20; ++i)
            slots[i] = quiescing_child(100 + i);   // 180 idle threads that are leaving
        slots[20] = SlotView{300, false, false, 25, 0};   // idle, but of an older generation
        const auto d = policy.maintain(slots, ThreadedLimits(), true);
        // 50 idle < 75: one more child, in the first free slot.
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.spawn.size());
        CPPUNIT_ASSERT_EQUAL(uint32_t(21), d.spawn[0]);
        CPPUNIT_ASSERT(d.stop_gracefully.empty());
    }

    void starting_child_counts_as_idle()
    {
        ThreadedPolicy policy;
        std::vector<SlotView> slots(32);
        for (int i = 0; i < 3; ++i)
            slots[i] = child(100 + i, 25, 0);   // a Starting child reports ThreadsPerChild idle
        CPPUNIT_ASSERT(policy.maintain(slots, ThreadedLimits(), true).spawn.empty());
    }

    void spawn_rate_doubles_each_tick_up_to_32()
    {
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(10000, 20000, 25, 100000, 1000);
        std::vector<SlotView> slots(2000);
        const uint32_t expected[] = {1, 2, 4, 8, 16, 32, 32, 32};
        for (uint32_t want : expected) {
            const auto d = policy.maintain(slots, l, true);
            CPPUNIT_ASSERT_EQUAL(size_t(want), d.spawn.size());
            start_busy(slots, d, 25);
        }
        CPPUNIT_ASSERT_EQUAL(uint32_t(32), policy.spawn_rate());
        // Enough idle threads again: the rate falls back to 1.
        slots[0] = child(1, 10000, 0);
        CPPUNIT_ASSERT(policy.maintain(slots, l, true).spawn.empty());
        CPPUNIT_ASSERT_EQUAL(uint32_t(1), policy.spawn_rate());
    }

    void reaping_pass_does_not_double_the_rate()
    {
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(10000, 20000, 25, 100000, 1000);
        std::vector<SlotView> slots(2000);
        auto d = policy.maintain(slots, l, true);
        start_busy(slots, d, 25);
        CPPUNIT_ASSERT_EQUAL(uint32_t(2), policy.spawn_rate());
        d = policy.maintain(slots, l, false);
        CPPUNIT_ASSERT_EQUAL(size_t(2), d.spawn.size());
        start_busy(slots, d, 25);
        CPPUNIT_ASSERT_EQUAL(uint32_t(2), policy.spawn_rate());
        CPPUNIT_ASSERT_EQUAL(size_t(2), policy.maintain(slots, l, true).spawn.size());
        CPPUNIT_ASSERT_EQUAL(uint32_t(4), policy.spawn_rate());
    }

    void spawn_rate_is_not_bounded_by_the_shortage()
    {
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(75, 250, 25, 400, 16);
        std::vector<SlotView> slots(32);
        for (int i = 0; i < 4; ++i)
            start_busy(slots, policy.maintain(slots, l, true), 25);   // rate 1, 2, 4, 8
        CPPUNIT_ASSERT_EQUAL(uint32_t(16), policy.spawn_rate());
        // 30 idle, 45 threads short: as Apache, the whole rate (16) is spawned, bounded by
        // the 15 more children MaxRequestWorkers allows.
        for (auto& slot : slots)
            slot = SlotView();
        slots[0] = child(100, 30, 0);
        const auto d = policy.maintain(slots, l, true);
        CPPUNIT_ASSERT_EQUAL(size_t(15), d.spawn.size());
        CPPUNIT_ASSERT_EQUAL(uint32_t(1), d.spawn[0]);
    }

    void active_children_limited_by_max_request_workers()
    {
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(1000, 2000, 25, 100, 16);   // 4 active children
        std::vector<SlotView> slots(32);
        size_t started = 0;
        for (int pass = 0; pass < 6; ++pass) {
            const auto d = policy.maintain(slots, l, true);
            started += d.spawn.size();
            start_busy(slots, d, 25);
        }
        CPPUNIT_ASSERT_EQUAL(size_t(4), started);
    }

    void max_request_workers_reported_once_per_episode()
    {
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(75, 250, 25, 100, 16);
        std::vector<SlotView> slots(32);
        for (int i = 0; i < 4; ++i)
            slots[i] = child(100 + i, 0, 25);
        auto d = policy.maintain(slots, l, true);
        CPPUNIT_ASSERT(d.spawn.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), count_messages(d, kReached));
        CPPUNIT_ASSERT(d.messages[0].level == LogLevel::Error);
        CPPUNIT_ASSERT_EQUAL(std::string("server reached MaxRequestWorkers setting, consider raising "
                                         "the MaxRequestWorkers setting"),
                             d.messages[0].text);
        CPPUNIT_ASSERT_EQUAL(size_t(0), count_messages(policy.maintain(slots, l, true), kReached));
        CPPUNIT_ASSERT_EQUAL(size_t(0), count_messages(policy.maintain(slots, l, false), kReached));
        // Idle threads back at MinSpareThreads end the episode; the next one is reported.
        for (int i = 0; i < 4; ++i)
            slots[i] = child(100 + i, 20, 5);
        CPPUNIT_ASSERT(policy.maintain(slots, l, true).messages.empty());
        for (int i = 0; i < 4; ++i)
            slots[i] = child(100 + i, 0, 25);
        CPPUNIT_ASSERT_EQUAL(size_t(1), count_messages(policy.maintain(slots, l, true), kReached));
    }

    void old_generation_does_not_block_a_new_one()
    {
        // ServerLimit 4: the scoreboard has 8 process slots; after a graceful restart the first
        // four are all held by the old generation, busy and quiescing, until they finish.
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(100, 250, 25, 100, 4);
        std::vector<SlotView> slots(8);
        slots[0] = old_child(10);
        slots[1] = old_child(11);
        slots[2] = SlotView{12, false, true, 0, 10};
        slots[3] = SlotView{13, false, true, 5, 20};
        std::vector<uint32_t> started;
        for (int pass = 0; pass < 5; ++pass) {
            const auto d = policy.maintain(slots, l, true);
            CPPUNIT_ASSERT_EQUAL(size_t(0), count_messages(d, kReached) + count_messages(d, "scoreboard"));
            started.insert(started.end(), d.spawn.begin(), d.spawn.end());
            start_busy(slots, d, 25);
            if (started.size() == 4)
                break;
        }
        CPPUNIT_ASSERT_EQUAL(std::string("4 5 6 7"), slot_list(started));
        // The whole new generation runs; only now is MaxRequestWorkers the limit.
        const auto d = policy.maintain(slots, l, true);
        CPPUNIT_ASSERT(d.spawn.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), count_messages(d, kReached));
    }

    void full_scoreboard_below_the_limit_is_reported_once()
    {
        // Two graceful restarts in a row: six of eight slots still held by leaving children.
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(100, 250, 25, 100, 4);
        std::vector<SlotView> slots(8);
        for (int i = 0; i < 6; ++i)
            slots[i] = old_child(10 + i);
        slots[6] = child(20, 0, 25);
        slots[7] = child(21, 0, 25);
        const auto d = policy.maintain(slots, l, true);
        CPPUNIT_ASSERT(d.spawn.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.messages.size());
        CPPUNIT_ASSERT(d.messages[0].level == LogLevel::Info);
        CPPUNIT_ASSERT_EQUAL(std::string("scoreboard is full, not at MaxRequestWorkers: all 8 process "
                                         "slots are held, 6 by children that are shutting down"),
                             d.messages[0].text);
        CPPUNIT_ASSERT(policy.maintain(slots, l, true).messages.empty());
        // An old child exits: its slot is used at once.
        slots[0] = SlotView();
        const auto after = policy.maintain(slots, l, false);
        CPPUNIT_ASSERT_EQUAL(std::string("0"), slot_list(after.spawn));
    }

    void busy_message_from_rate_8()
    {
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(10000, 20000, 25, 100000, 1000);
        std::vector<SlotView> slots(2000);
        slots[1999] = quiescing_child(5);
        for (int pass = 0; pass < 3; ++pass) {   // rates 1, 2, 4: quiet
            const auto d = policy.maintain(slots, l, true);
            CPPUNIT_ASSERT(d.messages.empty());
            start_busy(slots, d, 25);
        }
        const auto d = policy.maintain(slots, l, true);
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.messages.size());
        CPPUNIT_ASSERT(d.messages[0].level == LogLevel::Info);
        CPPUNIT_ASSERT_EQUAL(std::string("server seems busy, (you may need to increase StartServers, "
                                         "ThreadsPerChild or Min/MaxSpareThreads), spawning 8 "
                                         "children, there are around 0 idle threads, 7 active "
                                         "children, and 1 children that are shutting down"),
                             d.messages[0].text);
    }

    void reset_forgets_rate_and_episodes()
    {
        ThreadedPolicy policy;
        const ThreadedLimits l = limits(75, 250, 25, 100, 16);
        std::vector<SlotView> slots(32);
        start_busy(slots, policy.maintain(slots, l, true), 25);
        start_busy(slots, policy.maintain(slots, l, true), 25);
        CPPUNIT_ASSERT_EQUAL(uint32_t(4), policy.spawn_rate());
        for (int i = 0; i < 4; ++i)
            slots[i] = child(100 + i, 0, 25);
        CPPUNIT_ASSERT_EQUAL(size_t(1), count_messages(policy.maintain(slots, l, true), kReached));
        policy.reset();
        CPPUNIT_ASSERT_EQUAL(uint32_t(1), policy.spawn_rate());
        CPPUNIT_ASSERT_EQUAL(size_t(1), count_messages(policy.maintain(slots, l, true), kReached));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ThreadedPolicyTest);
