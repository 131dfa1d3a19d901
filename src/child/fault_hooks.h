// Fault hooks: the points where a test build may make a child crash, hang or slow down on
// demand (memcached's memcached-debug, Varnish's debug.panic.worker). The table is empty
// (nullptr) in src/mpmd and the installed modules; only the daemons make check runs,
// t/mpmd-*, link t/fault_injection.cc, which installs one before main() runs.
// Runs in: children (the hooks); the table is set before the master forks.
#ifndef MPMD_CHILD_FAULT_HOOKS_H
#define MPMD_CHILD_FAULT_HOOKS_H

namespace mpmd {

struct HttpRequest;
struct Response;

struct FaultHooks {
    // In a new child, after it dropped privileges and before it serves.
    void (*child_start)() = nullptr;
    // For every parsed request, before the handlers: true when the hook answered it in
    // *response (or never returns: it crashed or hangs on purpose).
    bool (*request)(const HttpRequest& request, Response* response) = nullptr;
    // True when `request` would be taken by the hook above and may wait (sleep or hang):
    // the event loop then leaves it to a worker thread, as it does a request with a body.
    bool (*may_block)(const HttpRequest& request) = nullptr;
};

// `hooks` must live as long as the process (a static table).
void install_fault_hooks(const FaultHooks* hooks);
// The installed table, or nullptr (always, in a build without t/fault_injection.cc).
const FaultHooks* fault_hooks();

} // namespace mpmd

#endif
