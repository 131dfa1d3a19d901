// See one_process.h.
#include "master/one_process.h"

#include "child/child_main.h"
#include "child/child_signals.h"

#include <signal.h>
#include <unistd.h>

namespace mpmd {

int serve_one_process(Mpm& mpm, const LoadedConfig& config, Scoreboard& board, ListenerSet& listeners,
                      std::shared_ptr<ServerRuntime> runtime)
{
    board.process_started(0, getpid(), 0);
    signal(SIGUSR2, SIG_IGN);   // no binary upgrade without a master
    ChildContext context;
    context.config = &config;
    context.runtime = runtime.get();
    context.scoreboard = &board;
    context.listeners = &listeners.sockets();
    leave_on_stop_signals();
    if (!prepare_child_process(context, mpm.threaded()))
        return kChildFatalExit;
    return mpm.run_child(context);
}

} // namespace mpmd
