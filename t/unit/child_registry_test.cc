// The master's child registry: slots, removal by pid, counts; and each child's state
// machine: every transition, the signal it asks for (none when the child already had as
// much), and the escalation graceful -> TERM -> KILL on a fake clock.
#include "master/child_registry.h"

#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

using namespace mpmd;

namespace {

constexpr int64_t kT0 = 100000;   // any CLOCK_MONOTONIC ms

ChildRecord running(pid_t pid, uint32_t slot) { return ChildRecord(pid, slot, 1, kT0 - 5000); }

LeavePlan graceful(int64_t grace_ms)
{
    return LeavePlan{SIGUSR1, LeaveReason::Retire, grace_ms, ChildState::TermSent};
}

LeavePlan restart() { return LeavePlan{SIGHUP, LeaveReason::Restart, kTermGraceMs, ChildState::Killed}; }

std::string name(ChildState state) { return std::string(child_state_name(state)); }

} // namespace

class ChildRegistryTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChildRegistryTest);
    CPPUNIT_TEST(add_find_remove);
    CPPUNIT_TEST(unknown_pid_is_not_ours);
    CPPUNIT_TEST(every_state_has_a_name);
    CPPUNIT_TEST(signals_the_master_sent_by_state);
    CPPUNIT_TEST(ask_to_leave_from_running);
    CPPUNIT_TEST(ask_again_sends_only_a_stronger_request);
    CPPUNIT_TEST(sooner_deadline_wins);
    CPPUNIT_TEST(terminate_from_running_and_stopping);
    CPPUNIT_TEST(kill_from_every_state);
    CPPUNIT_TEST(never_back_down_the_ladder);
    CPPUNIT_TEST(escalation_graceful_term_kill);
    CPPUNIT_TEST(escalation_straight_to_kill);
    CPPUNIT_TEST(no_deadline_never_escalates);
    CPPUNIT_TEST(stop_escalates_to_kill);
    CPPUNIT_TEST(next_deadline_is_the_earliest);
    CPPUNIT_TEST(removed_child_keeps_its_state);
    CPPUNIT_TEST_SUITE_END();

public:
    void add_find_remove()
    {
        ChildRegistry registry(4);
        registry.add(ChildRecord(101, 0, 1, 0));
        registry.add(ChildRecord(102, 3, 1, 0));
        CPPUNIT_ASSERT_EQUAL(size_t(2), registry.count());
        CPPUNIT_ASSERT(registry.in_slot(1) == nullptr);
        CPPUNIT_ASSERT_EQUAL(102, int(registry.in_slot(3)->pid));
        CPPUNIT_ASSERT_EQUAL(uint32_t(3), registry.find(102)->slot);
        CPPUNIT_ASSERT(registry.find(103) == nullptr);
        const auto gone = registry.remove(102);
        CPPUNIT_ASSERT(gone.has_value());
        CPPUNIT_ASSERT_EQUAL(uint32_t(3), gone->slot);
        CPPUNIT_ASSERT(registry.in_slot(3) == nullptr);
        CPPUNIT_ASSERT_EQUAL(size_t(1), registry.all().size());
    }

    void unknown_pid_is_not_ours()
    {
        ChildRegistry registry(2);
        registry.add(ChildRecord(7, 1, 0, 0));
        CPPUNIT_ASSERT(!registry.remove(8).has_value());
        CPPUNIT_ASSERT_EQUAL(size_t(1), registry.count());
        CPPUNIT_ASSERT_EQUAL(std::string("running"), name(registry.in_slot(1)->state));
    }

    void every_state_has_a_name()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("running"), name(ChildState::Running));
        CPPUNIT_ASSERT_EQUAL(std::string("stopping"), name(ChildState::Stopping));
        CPPUNIT_ASSERT_EQUAL(std::string("term sent"), name(ChildState::TermSent));
        CPPUNIT_ASSERT_EQUAL(std::string("killed"), name(ChildState::Killed));
        CPPUNIT_ASSERT(!child_leaving(ChildState::Running));
        CPPUNIT_ASSERT(child_leaving(ChildState::Stopping) && child_leaving(ChildState::TermSent) &&
                       child_leaving(ChildState::Killed));
    }

    // A child dead of a signal is logged as an error unless the master sent that signal on
    // the way to the child's state.
    void signals_the_master_sent_by_state()
    {
        using mpmd::signal_from_master;
        for (int sig : {SIGUSR1, SIGHUP, SIGTERM, SIGKILL, SIGSEGV, SIGABRT})
            CPPUNIT_ASSERT(!signal_from_master(ChildState::Running, sig));
        CPPUNIT_ASSERT(signal_from_master(ChildState::Stopping, SIGUSR1));
        CPPUNIT_ASSERT(signal_from_master(ChildState::Stopping, SIGHUP));
        CPPUNIT_ASSERT(!signal_from_master(ChildState::Stopping, SIGTERM));
        CPPUNIT_ASSERT(!signal_from_master(ChildState::Stopping, SIGKILL));   // t/51: a kill the HUP found
        CPPUNIT_ASSERT(signal_from_master(ChildState::TermSent, SIGTERM));
        CPPUNIT_ASSERT(!signal_from_master(ChildState::TermSent, SIGKILL));
        CPPUNIT_ASSERT(signal_from_master(ChildState::Killed, SIGKILL));
        CPPUNIT_ASSERT(signal_from_master(ChildState::Killed, SIGTERM));
        for (ChildState state : {ChildState::Stopping, ChildState::TermSent, ChildState::Killed}) {
            CPPUNIT_ASSERT(!signal_from_master(state, SIGSEGV));
            CPPUNIT_ASSERT(!signal_from_master(state, SIGABRT));
        }
    }

    void ask_to_leave_from_running()
    {
        ChildRecord child = running(10, 0);
        CPPUNIT_ASSERT_EQUAL(SIGUSR1, ChildRegistry::ask_to_leave(child, graceful(5000), kT0));
        CPPUNIT_ASSERT(child.state == ChildState::Stopping);
        CPPUNIT_ASSERT_EQUAL(kT0, child.told_ms);
        CPPUNIT_ASSERT_EQUAL(kT0, child.state_since_ms);
        CPPUNIT_ASSERT_EQUAL(kT0 + 5000, child.deadline_ms);
        CPPUNIT_ASSERT(child.next == ChildState::TermSent);
        CPPUNIT_ASSERT(child.reason == LeaveReason::Retire);
        CPPUNIT_ASSERT_EQUAL(SIGUSR1, child.leave_signal);
    }

    void ask_again_sends_only_a_stronger_request()
    {
        ChildRecord child = running(10, 0);
        ChildRegistry::ask_to_leave(child, graceful(kNoDeadline), kT0);
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::ask_to_leave(child, graceful(kNoDeadline), kT0 + 10));
        CPPUNIT_ASSERT_EQUAL(SIGHUP, ChildRegistry::ask_to_leave(child, restart(), kT0 + 20));   // hurried
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::ask_to_leave(child, restart(), kT0 + 30));
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::ask_to_leave(child, graceful(kNoDeadline), kT0 + 40));
        CPPUNIT_ASSERT(child.state == ChildState::Stopping);
        CPPUNIT_ASSERT_EQUAL(kT0, child.told_ms);   // still when it was first told
        CPPUNIT_ASSERT_EQUAL(SIGHUP, child.leave_signal);
    }

    void sooner_deadline_wins()
    {
        ChildRecord child = running(10, 0);
        ChildRegistry::ask_to_leave(child, graceful(kNoDeadline), kT0);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), child.deadline_ms);
        // A deadline where none was: no signal (it had USR1), yet the deadline is new.
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::ask_to_leave(child, graceful(60000), kT0 + 1000));
        CPPUNIT_ASSERT_EQUAL(kT0 + 61000, child.deadline_ms);
        ChildRegistry::ask_to_leave(child, restart(), kT0 + 2000);          // sooner: its plan takes over
        CPPUNIT_ASSERT_EQUAL(kT0 + 2000 + kTermGraceMs, child.deadline_ms);
        CPPUNIT_ASSERT(child.next == ChildState::Killed);
        CPPUNIT_ASSERT(child.reason == LeaveReason::Restart);
        ChildRegistry::ask_to_leave(child, graceful(60000), kT0 + 3000);    // later: ignored
        CPPUNIT_ASSERT_EQUAL(kT0 + 2000 + kTermGraceMs, child.deadline_ms);
        CPPUNIT_ASSERT(child.reason == LeaveReason::Restart);
    }

    void terminate_from_running_and_stopping()
    {
        ChildRecord a = running(10, 0);
        CPPUNIT_ASSERT_EQUAL(SIGTERM, ChildRegistry::terminate(a, kT0));
        CPPUNIT_ASSERT(a.state == ChildState::TermSent);
        CPPUNIT_ASSERT_EQUAL(kT0, a.told_ms);
        CPPUNIT_ASSERT_EQUAL(kT0 + kTermGraceMs, a.deadline_ms);
        CPPUNIT_ASSERT(a.reason == LeaveReason::Stop);
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::terminate(a, kT0 + 10));   // once
        CPPUNIT_ASSERT_EQUAL(kT0 + kTermGraceMs, a.deadline_ms);

        ChildRecord b = running(11, 1);
        ChildRegistry::ask_to_leave(b, graceful(kNoDeadline), kT0);
        CPPUNIT_ASSERT_EQUAL(SIGTERM, ChildRegistry::terminate(b, kT0 + 500));
        CPPUNIT_ASSERT(b.state == ChildState::TermSent);
        CPPUNIT_ASSERT_EQUAL(kT0, b.told_ms);
        CPPUNIT_ASSERT_EQUAL(kT0 + 500, b.state_since_ms);
        CPPUNIT_ASSERT(b.reason == LeaveReason::Retire);   // why it was first told to leave
    }

    void kill_from_every_state()
    {
        ChildRecord a = running(10, 0);
        CPPUNIT_ASSERT_EQUAL(SIGKILL, ChildRegistry::kill(a, kT0));
        CPPUNIT_ASSERT(a.state == ChildState::Killed);
        CPPUNIT_ASSERT_EQUAL(kT0, a.told_ms);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), a.deadline_ms);
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::kill(a, kT0 + 1));   // once

        ChildRecord b = running(11, 1);
        ChildRegistry::ask_to_leave(b, graceful(5000), kT0);
        CPPUNIT_ASSERT_EQUAL(SIGKILL, ChildRegistry::kill(b, kT0 + 1));
        CPPUNIT_ASSERT(b.state == ChildState::Killed);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), b.deadline_ms);

        ChildRecord c = running(12, 2);
        ChildRegistry::terminate(c, kT0);
        CPPUNIT_ASSERT_EQUAL(SIGKILL, ChildRegistry::kill(c, kT0 + 1));
        CPPUNIT_ASSERT(c.state == ChildState::Killed);
    }

    void never_back_down_the_ladder()
    {
        ChildRecord term = running(10, 0);
        ChildRegistry::terminate(term, kT0);
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::ask_to_leave(term, restart(), kT0 + 1));
        CPPUNIT_ASSERT(term.state == ChildState::TermSent);
        CPPUNIT_ASSERT_EQUAL(kT0 + kTermGraceMs, term.deadline_ms);

        ChildRecord killed = running(11, 1);
        ChildRegistry::kill(killed, kT0);
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::ask_to_leave(killed, graceful(1000), kT0 + 1));
        CPPUNIT_ASSERT_EQUAL(0, ChildRegistry::terminate(killed, kT0 + 1));
        CPPUNIT_ASSERT(killed.state == ChildState::Killed);
        CPPUNIT_ASSERT_EQUAL(int64_t(0), killed.deadline_ms);
    }

    // GracefulRestartTimeout's ladder: USR1, TERM at the deadline, KILL kTermGraceMs later.
    void escalation_graceful_term_kill()
    {
        ChildRegistry registry(2);
        registry.add(running(10, 0));
        registry.add(running(11, 1));   // stays running: never escalated
        ChildRegistry::ask_to_leave(*registry.in_slot(0), graceful(2000), kT0);

        CPPUNIT_ASSERT(registry.escalate(kT0 + 1999).empty());
        auto steps = registry.escalate(kT0 + 2100);
        CPPUNIT_ASSERT_EQUAL(size_t(1), steps.size());
        CPPUNIT_ASSERT_EQUAL(10, int(steps[0].child.pid));
        CPPUNIT_ASSERT(steps[0].from == ChildState::Stopping);
        CPPUNIT_ASSERT(steps[0].child.state == ChildState::TermSent);
        CPPUNIT_ASSERT_EQUAL(SIGTERM, steps[0].signal);
        CPPUNIT_ASSERT_EQUAL(int64_t(2100), steps[0].waited_ms);
        CPPUNIT_ASSERT_EQUAL(int64_t(2000), steps[0].grace_ms);
        CPPUNIT_ASSERT(steps[0].child.reason == LeaveReason::Retire);
        CPPUNIT_ASSERT(registry.in_slot(0)->state == ChildState::TermSent);
        CPPUNIT_ASSERT_EQUAL(kT0 + 2100 + kTermGraceMs, registry.in_slot(0)->deadline_ms);

        CPPUNIT_ASSERT(registry.escalate(kT0 + 2100 + kTermGraceMs - 1).empty());
        steps = registry.escalate(kT0 + 2100 + kTermGraceMs);
        CPPUNIT_ASSERT_EQUAL(size_t(1), steps.size());
        CPPUNIT_ASSERT(steps[0].from == ChildState::TermSent);
        CPPUNIT_ASSERT(steps[0].child.state == ChildState::Killed);
        CPPUNIT_ASSERT_EQUAL(SIGKILL, steps[0].signal);
        CPPUNIT_ASSERT_EQUAL(kTermGraceMs, steps[0].waited_ms);

        CPPUNIT_ASSERT(registry.escalate(kT0 + 3600 * 1000).empty());   // nothing after KILL
        CPPUNIT_ASSERT(registry.in_slot(1)->state == ChildState::Running);
        CPPUNIT_ASSERT(!registry.next_deadline());
    }

    // A restart's HUP (and the watchdog's USR1) go to KILL with no TERM between.
    void escalation_straight_to_kill()
    {
        ChildRegistry registry(1);
        registry.add(running(10, 0));
        ChildRegistry::ask_to_leave(*registry.in_slot(0), restart(), kT0);
        const auto steps = registry.escalate(kT0 + kTermGraceMs);
        CPPUNIT_ASSERT_EQUAL(size_t(1), steps.size());
        CPPUNIT_ASSERT(steps[0].from == ChildState::Stopping);
        CPPUNIT_ASSERT(steps[0].child.state == ChildState::Killed);
        CPPUNIT_ASSERT_EQUAL(SIGKILL, steps[0].signal);
        CPPUNIT_ASSERT(steps[0].child.reason == LeaveReason::Restart);
    }

    void no_deadline_never_escalates()
    {
        ChildRegistry registry(1);
        registry.add(running(10, 0));
        ChildRegistry::ask_to_leave(*registry.in_slot(0), graceful(kNoDeadline), kT0);
        CPPUNIT_ASSERT(registry.escalate(kT0 + int64_t(86400) * 1000 * 365).empty());
        CPPUNIT_ASSERT(registry.in_slot(0)->state == ChildState::Stopping);
        CPPUNIT_ASSERT(!registry.next_deadline());
    }

    // A stop: TERM now, KILL kTermGraceMs later.
    void stop_escalates_to_kill()
    {
        ChildRegistry registry(2);
        registry.add(running(10, 0));
        registry.add(running(11, 1));
        for (ChildRecord* child : registry.all())
            CPPUNIT_ASSERT_EQUAL(SIGTERM, ChildRegistry::terminate(*child, kT0));
        registry.remove(11);   // obeyed and was reaped
        const auto steps = registry.escalate(kT0 + kTermGraceMs);
        CPPUNIT_ASSERT_EQUAL(size_t(1), steps.size());
        CPPUNIT_ASSERT_EQUAL(10, int(steps[0].child.pid));
        CPPUNIT_ASSERT_EQUAL(SIGKILL, steps[0].signal);
    }

    void next_deadline_is_the_earliest()
    {
        ChildRegistry registry(3);
        registry.add(running(10, 0));
        registry.add(running(11, 1));
        registry.add(running(12, 2));
        CPPUNIT_ASSERT(!registry.next_deadline());
        ChildRegistry::ask_to_leave(*registry.in_slot(0), graceful(9000), kT0);
        ChildRegistry::terminate(*registry.in_slot(1), kT0 + 1000);
        ChildRegistry::ask_to_leave(*registry.in_slot(2), graceful(kNoDeadline), kT0);
        CPPUNIT_ASSERT_EQUAL(kT0 + 1000 + kTermGraceMs, *registry.next_deadline());
        ChildRegistry::kill(*registry.in_slot(1), kT0 + 1500);
        CPPUNIT_ASSERT_EQUAL(kT0 + 9000, *registry.next_deadline());
    }

    void removed_child_keeps_its_state()
    {
        ChildRegistry registry(1);
        registry.add(running(10, 0));
        ChildRegistry::kill(*registry.in_slot(0), kT0);
        const auto gone = registry.remove(10);
        CPPUNIT_ASSERT(gone && gone->state == ChildState::Killed && child_leaving(gone->state));
        CPPUNIT_ASSERT_EQUAL(size_t(0), registry.count());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChildRegistryTest);
