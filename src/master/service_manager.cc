// See service_manager.h.
#include "master/service_manager.h"

#include <config.h>   // HAVE_SYSTEMD

#if HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include <time.h>

namespace mpmd {

bool ServiceManager::built_in()
{
#if HAVE_SYSTEMD
    return true;
#else
    return false;
#endif
}

void ServiceManager::send(const std::string& state)
{
#if HAVE_SYSTEMD
    if (!handed_over_)
        sd_notify(0, state.c_str());
#else
    (void)state;
#endif
}

void ServiceManager::ready(const std::string& status)
{
    send("READY=1\nSTATUS=" + status);
}

void ServiceManager::reloading(const std::string& status)
{
    // MONOTONIC_USEC lets systemd 253 and later (Type=notify-reload) pair it with READY=1.
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const unsigned long long usec = (unsigned long long)now.tv_sec * 1000000ULL + (unsigned long long)now.tv_nsec / 1000;
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=" + status);
}

void ServiceManager::stopping(const std::string& status)
{
    send("STOPPING=1\nSTATUS=" + status);
}

void ServiceManager::handed_over(pid_t new_master)
{
    send("MAINPID=" + std::to_string(new_master) + "\nSTATUS=handed over to pid " + std::to_string(new_master) +
         " (binary upgrade)");
    handed_over_ = true;
}

std::vector<ListenSocket> ServiceManager::activated_sockets()
{
    std::vector<ListenSocket> out;
#if HAVE_SYSTEMD
    const int n = sd_listen_fds(1);
    for (int i = 0; i < n; ++i) {
        const int fd = SD_LISTEN_FDS_START + i;
        ListenSocket socket;
        socket.fd = fd;
        socket.key = bound_address_key(fd);
        if (socket.key.empty())
            socket.key = "fd " + std::to_string(fd);   // adopt() refuses it and says why
        out.push_back(socket);
    }
#endif
    return out;
}

} // namespace mpmd
