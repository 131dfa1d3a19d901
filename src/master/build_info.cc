// See build_info.h.
#include "master/build_info.h"

#include "master/service_manager.h"

#include "master/mpm_loader.h"
#include "mpm/mpm_config.h"
#include "mpm/mpm_registry.h"
#include "shared/core_directives.h"
#include "shared/version.h"

#include <config.h>

#include <event2/event.h>

#include <boost/version.hpp>

#if HAVE_OPENSSL
#include <openssl/crypto.h>
#endif

#include <cstdio>
#include <string>

namespace mpmd {

int print_version()
{
    std::printf("Server version: %s\nServer built:   %s %s\n", server_banner(ServerTokens::Full).c_str(), __DATE__,
                __TIME__);
    return 0;
}

int print_build_settings(const CommandLine& line)
{
    Mpm* mpm = linked_in_mpm();
    std::string how = "linked in";
    if (!line.config_file.empty() || !mpm) {
        const LoadOptions options = load_options(line);
        LoadedConfig config = load_config(options);
        MpmChoice choice = choose_mpm(mpm, config.server, options.path, MPMD_LIBEXECDIR);
        if (!choice.mpm) {
            print_messages(choice.errors);
            std::fprintf(stderr, "mpmd: -V: no MPM to describe\n");
            return kExitFailure;
        }
        mpm = choice.mpm;
        if (choice.loaded_by)
            how = "LoadModule " + choice.loaded_by->path + " at " + choice.loaded_by->file + ":" +
                  std::to_string(choice.loaded_by->line);
    }
    std::printf("Server version: %s\n", server_banner(ServerTokens::Full).c_str());
    std::printf("Server built:   %s %s\n", __DATE__, __TIME__);
    std::printf("Architecture:   %zu-bit\n", sizeof(void*) * 8);
    std::printf("Server MPM:     %s\n", mpm->name());
    std::printf("  threaded:     %s\n", mpm->threaded() ? "yes (fixed thread count)" : "no");
    std::printf("    forked:     yes (variable process count)\n");
    std::printf("Server compiled with....\n");
    std::printf(" -D MPMD_MPM=\"%s\" (%s)\n", mpm->name(), how.c_str());
    std::printf(" -D MPMD_MODULE_DIR=\"%s\"\n", MPMD_LIBEXECDIR);
    std::printf(" -D MPMD_PREFIX=\"%s\"\n", MPMD_PREFIX);
    std::printf(" -D SERVER_CONFIG_FILE=\"%s\"\n", default_config_file().c_str());
    std::printf(" -D DEFAULT_PIDLOG=\"%s\"\n", MPMD_RUNDIR "/mpmd.pid");
    std::printf(" -D DEFAULT_ERRORLOG=\"%s\"\n", MPMD_LOGDIR "/error_log");
    std::printf(" -D MPMD_DATADIR=\"%s\"\n", MPMD_DATADIR);
    std::printf(" libevent %s, Boost %d.%d, inih, C++ %ld\n", event_get_version(), BOOST_VERSION / 100000,
                BOOST_VERSION / 100 % 1000, long(__cplusplus));
#if HAVE_OPENSSL
    std::printf(" TLS: %s\n", OpenSSL_version(OPENSSL_VERSION));
#else
    std::printf(" TLS: none (built without OpenSSL)\n");
#endif
    std::printf(" systemd: %s\n", ServiceManager::built_in() ? "yes (sd_notify, socket activation)"
                                                             : "no (built without libsystemd)");
    return 0;
}

int print_modules()
{
    std::printf("Compiled in modules:\n");
    for (const char* module :
         {"core.c", "http_core.c", "mod_mime.c", "mod_dir.c", "mod_log_config.c", "mod_static.c", "mod_alias.c",
          "mod_cgi.c", "mod_cgid.c", "mod_so.c"})
        std::printf("  %s\n", module);
    if (ServiceManager::built_in())
        std::printf("  mod_systemd.c\n");
#if HAVE_OPENSSL
    std::printf("  mod_ssl.c\n");
#endif
    if (const Mpm* mpm = linked_in_mpm())
        std::printf("  %s.c\n", mpm->name());
    return 0;
}

} // namespace mpmd
