// See generation.h.
#include "master/generation.h"

#include "master/module_loader.h"
#include "master/mpm_loader.h"
#include "mpm/mpm_registry.h"

namespace mpmd {

std::vector<std::string> Generation::all_errors() const
{
    std::vector<std::string> all;
    if (config)
        for (const ConfigMessage& m : config->errors)
            all.push_back(m.str());
    all.insert(all.end(), errors.begin(), errors.end());
    return all;
}

bool build_generation(Generation& next, const GenerationSite& site)
{
    if (!next.config) {
        next.config = std::make_unique<LoadedConfig>(load_config(site.options));
        // Every problem at once: the MPM's beside the file's, even when the file has some.
        MpmChoice choice = choose_mpm(linked_in_mpm(), next.config->server, site.options.path, MPMD_LIBEXECDIR);
        std::vector<ConfigMessage>& errors = next.config->errors;
        errors.insert(errors.end(), choice.errors.begin(), choice.errors.end());
        if (site.running_modules) {
            next.modules = *site.running_modules;
        } else {
            const LoadedModules loaded = load_handler_modules(next.config->server);
            errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
            next.modules = handler_chain(loaded.modules);
        }
        sort_messages(&errors);
        next.mpm = site.running ? site.running : choice.mpm;
    }
    if (!next.config_ok() || next.runtime || !site.logs || !site.listeners || !next.errors.empty())
        return next.ok();
    auto runtime = build_runtime(*next.config, *next.mpm, *site.logs, &next.errors);
    if (runtime && next.errors.empty()) {
        runtime->modules = next.modules;
        // post_config: a module may refuse the configuration (module_api.h).
        for (const Module* module : runtime->modules) {
            std::string problem;
            if (module->post_config != nullptr && !module->post_config(*runtime, &problem))
                next.errors.push_back(std::string(module->name) + ": " + problem);
        }
    }
    if (next.errors.empty()) {
        const ServerConfig& server = next.config->server;
        const int defer = server.accept_filter == AcceptFilter::Data ? kAcceptFilterDeferSeconds : 0;
        site.listeners->update(listen_specs(server), server.listen_backlog, defer, &next.errors);
    }
    if (next.errors.empty())
        next.runtime = std::move(runtime);
    return next.ok();
}

} // namespace mpmd
