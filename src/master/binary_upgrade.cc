// See binary_upgrade.h.
#include "master/binary_upgrade.h"

#include "master/upgrade_handoff.h"
#include "shared/error_log.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mpmd {

std::string oldbin_name(const std::string& name) { return name + ".oldbin"; }

bool BinaryUpgrade::start(const std::string& pid_file, Scoreboard& board, const std::vector<ListenSocket>& listeners,
                          std::string* why)
{
    if (self_.path.empty()) {
        *why = "the path of the mpmd binary is unknown (" + self_.problem + ")";
        return false;
    }
    if (access(self_.path.c_str(), X_OK) != 0) {
        *why = self_.path + " is not executable: " + std::strerror(errno);
        return false;
    }
    const std::string oldbin = oldbin_name(pid_file);
    if (std::rename(pid_file.c_str(), oldbin.c_str()) != 0) {
        *why = "cannot rename " + pid_file + " to " + oldbin + ": " + std::strerror(errno);
        return false;
    }
    pid_file_ = pid_file;
    board_name_ = board.name();
    if (!board_name_.empty() && !board.rename_name(oldbin_name(board_name_), why)) {
        std::rename(oldbin.c_str(), pid_file.c_str());
        return false;
    }
    sigset_t all, previous;
    sigfillset(&all);
    // No master handler may run in the child between fork and exec.
    sigprocmask(SIG_BLOCK, &all, &previous);
    const pid_t pid = fork();
    if (pid == 0)
        exec_new_master(listeners);
    const int fork_errno = errno;
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0) {
        *why = std::string("fork: ") + std::strerror(fork_errno);
        for (const std::string& e : undo(board))
            *why += "; " + e;
        return false;
    }
    pid_ = pid;
    state_ = State::Starting;
    return true;
}

void BinaryUpgrade::exec_new_master(const std::vector<ListenSocket>& listeners)
{
    // Relative arguments (-f conf/mpmd.conf) mean what they meant at the first start, before
    // daemonizing went to /.
    if (!self_.cwd.empty() && chdir(self_.cwd.c_str()) != 0)
        log_errno(LogLevel::Warn, "core", errno, "binary upgrade: cannot change to %s, the directory mpmd was "
                  "started in", self_.cwd.c_str());
    // The listening sockets are the only descriptors that cross the exec.
    for (const ListenSocket& s : listeners)
        fcntl(s.fd, F_SETFD, 0);
    setenv(kUpgradeFromVariable, std::to_string(getppid()).c_str(), 1);
    setenv(kInheritedListenersVariable, format_inherited_listeners(listeners).c_str(), 1);
    // The new master's start-up errors (printed to stderr before it has a log) land in the
    // error log, where the old master's "binary upgrade failed" line points.
    if (error_log().is_file())
        dup2(error_log().fd(), STDERR_FILENO);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; ++signal)
        sigaction(signal, &default_action, nullptr);
    std::vector<char*> argv;
    for (const std::string& arg : self_.argv)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(self_.path.c_str(), argv.data());
    log_errno(LogLevel::Error, "core", errno, "binary upgrade: cannot execute %s", self_.path.c_str());
    _exit(127);
}

std::vector<std::string> BinaryUpgrade::undo(Scoreboard& board)
{
    std::vector<std::string> errors;
    const std::string oldbin = oldbin_name(pid_file_);
    if (std::rename(oldbin.c_str(), pid_file_.c_str()) != 0)
        errors.push_back("cannot rename " + oldbin + " back to " + pid_file_ + ": " + std::strerror(errno));
    std::string error;
    if (!board_name_.empty() && board.name() != board_name_ && !board.rename_name(board_name_, &error))
        errors.push_back(error);
    state_ = State::Idle;
    pid_ = 0;
    return errors;
}

void UpgradeTakeover::begin(pid_t old_master, const std::string& old_board_name, Scoreboard& board, int64_t now_ms,
                            std::string* note)
{
    old_master_ = old_master;
    started_ms_ = now_ms;
    if (old_board_name.empty())
        return;
    old_board_ = Scoreboard::attach(old_board_name, note);
    if (!old_board_) {
        *note = "the totals of pid " + std::to_string(old_master) + " are not carried over: " + *note;
        return;
    }
    board.global().start_time = old_board_->global().start_time;
    carry(board);
}

bool UpgradeTakeover::take_over(std::string* error)
{
    done_ = true;
    if (kill(old_master_, SIGWINCH) != 0) {
        *error = std::string("cannot send SIGWINCH to the old master: ") + std::strerror(errno);
        return false;
    }
    return true;
}

void UpgradeTakeover::carry(Scoreboard& board)
{
    if (!old_board_)
        return;
    const bool last = !old_master_running();
    board.set_carried(old_board_->served_totals());
    if (last)
        old_board_.reset();
}

// The new master is the old one's child until the old one exits (then it is reparented),
// which tells "gone" apart even while the old master is an unreaped zombie.
bool UpgradeTakeover::old_master_running() const { return old_master_ != 0 && getppid() == old_master_; }

} // namespace mpmd
