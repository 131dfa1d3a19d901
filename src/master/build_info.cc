// See build_info.h.
#include "master/build_info.h"

#include "master/service_manager.h"

#include "child/builtin_modules.h"
#include "master/module_loader.h"
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
#include <vector>

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
    std::printf(" -D MPMD_DOCROOT=\"%s\"\n", MPMD_DOCROOT);
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

namespace {

struct CompiledIn {
    std::string source;   // what -l prints, as httpd -l
    std::string name;     // what -M prints, as httpd -M
};

// The parts of mpmd that Apache ships as modules, under Apache's names; the handler
// modules are the same objects a loaded module is (builtin_modules.h).
std::vector<CompiledIn> compiled_in()
{
    std::vector<CompiledIn> parts{{"core.c", "core_module"},         {"http_core.c", "http_module"},
                                  {"mod_so.c", "so_module"},         {"mod_mime.c", "mime_module"},
                                  {"mod_dir.c", "dir_module"},       {"mod_log_config.c", "log_config_module"},
                                  {"mod_alias.c", "alias_module"},   {"mod_cgi.c", "cgi_module"},
                                  {"mod_cgid.c", "cgid_module"}};
    for (const Module* module : builtin_handler_modules())
        parts.push_back({module->source, module->name});
    if (ServiceManager::built_in())
        parts.push_back({"mod_systemd.c", "systemd_module"});
#if HAVE_OPENSSL
    parts.push_back({"mod_ssl.c", "ssl_module"});
#endif
    if (const Mpm* mpm = linked_in_mpm())
        parts.push_back({std::string(mpm->name()) + ".c", std::string("mpm_") + mpm->name() + "_module"});
    return parts;
}

} // namespace

int print_modules()
{
    std::printf("Compiled in modules:\n");
    for (const CompiledIn& part : compiled_in())
        std::printf("  %s\n", part.source.c_str());
    return 0;
}

int print_loaded_modules(const CommandLine& line)
{
    const LoadOptions options = load_options(line);
    LoadedConfig config = load_config(options);
    MpmChoice choice = choose_mpm(linked_in_mpm(), config.server, options.path, MPMD_LIBEXECDIR);
    LoadedModules loaded = load_handler_modules(config.server);
    std::vector<ConfigMessage> errors = config.errors;
    errors.insert(errors.end(), choice.errors.begin(), choice.errors.end());
    errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
    if (!errors.empty()) {
        sort_messages(&errors);
        print_messages(errors);
        std::fprintf(stderr, "mpmd: -M: %zu error(s) in the configuration\n", errors.size());
        return kExitFailure;
    }
    std::printf("Loaded Modules:\n");
    for (const CompiledIn& part : compiled_in())
        std::printf(" %s (static)\n", part.name.c_str());
    if (choice.loaded_by)
        std::printf(" %s (shared)\n", choice.loaded_by->name.c_str());
    for (const Module* module : loaded.modules)
        std::printf(" %s (shared)\n", module->name);
    return 0;
}

} // namespace mpmd
