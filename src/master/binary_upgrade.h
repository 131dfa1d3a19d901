// Binary upgrade (USR2), nginx's way: the old master renames its PidFile and named scoreboard
// to NAME.oldbin and forks a child that execs the binary now installed at the recorded path,
// handing it the listening sockets (upgrade_handoff.h). The new master validates its config,
// adopts the sockets, writes PidFile, starts its children and, once they are up, sends WINCH
// to the old master, which then stops gracefully. If the new master exits before that, the
// old master renames both names back and goes on serving.
//   BinaryUpgrade   - the old master's side: launch, failure, takeover.
//   UpgradeTakeover - the new master's side: readiness deadline, WINCH, carried totals.
// Runs in: master (old and new).
// Leans on: fork(2), execv(3), fcntl(2) FD_CLOEXEC, sigaction(2), sigprocmask(2), dup2(2),
// rename(2), kill(2).
#ifndef MPMD_MASTER_BINARY_UPGRADE_H
#define MPMD_MASTER_BINARY_UPGRADE_H

#include "master/self_exec.h"
#include "shared/listeners.h"
#include "shared/scoreboard.h"

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mpmd {

// "PATH.oldbin": where the old master's PidFile (and scoreboard name) go during an upgrade.
std::string oldbin_name(const std::string& name);

class BinaryUpgrade {
public:
    enum class State { Idle, Starting, TookOver };

    explicit BinaryUpgrade(SelfExec self) : self_(std::move(self)) {}

    // USR2: renames PidFile and the scoreboard's name to .oldbin, forks and execs the new
    // binary with the listeners. False with *why set, and every rename undone, when it
    // cannot (no recorded path, a rename or fork failed).
    bool start(const std::string& pid_file, Scoreboard& board, const std::vector<ListenSocket>& listeners,
               std::string* why);
    State state() const { return state_; }
    pid_t new_master() const { return pid_; }
    const std::string& path() const { return self_.path; }
    // The new master exited before taking over: the names go back; errors are returned.
    std::vector<std::string> undo(Scoreboard& board);
    // The new master sent WINCH: from now on this master only stops.
    void took_over() { state_ = State::TookOver; }

private:
    [[noreturn]] void exec_new_master(const std::vector<ListenSocket>& listeners);

    SelfExec self_;
    State state_ = State::Idle;
    pid_t pid_ = 0;
    std::string pid_file_;
    std::string board_name_;   // the scoreboard's configured name ("" = anonymous)
};

class UpgradeTakeover {
public:
    // How long the new master's first children get to come up before it gives up.
    static constexpr int64_t kReadyTimeoutMs = 30000;

    UpgradeTakeover() = default;
    // The new master, started by `old_master` at `now_ms`; the old scoreboard (if named) is
    // attached read-only for its totals, and its start time becomes `board`'s (the totals
    // and the uptime they are divided by cover the same span); a problem doing so is
    // returned in *note.
    void begin(pid_t old_master, const std::string& old_board_name, Scoreboard& board, int64_t now_ms,
               std::string* note);
    bool pending() const { return old_master_ != 0 && !done_; }
    bool timed_out(int64_t now_ms) const { return pending() && now_ms - started_ms_ >= kReadyTimeoutMs; }
    pid_t old_master() const { return old_master_; }
    // Children are up: WINCH to the old master. False with *error when kill(2) failed (the
    // old master is gone: this one simply goes on alone).
    bool take_over(std::string* error);
    // Copies the old segment's totals into `board`'s carried fields while the old master
    // lives; after it is gone, one last copy and the old mapping is dropped (frozen).
    void carry(Scoreboard& board);
    // Whether the previous master still runs (a further upgrade waits for it to finish).
    bool old_master_running() const;

private:
    pid_t old_master_ = 0;
    int64_t started_ms_ = 0;
    bool done_ = false;
    std::unique_ptr<const Scoreboard> old_board_;
};

} // namespace mpmd

#endif
