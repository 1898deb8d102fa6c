// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "hook/command_line.h"

#include <charconv>
#include <cstdio>

#include "base/log.h"
#include "profile/arg_rules.h"

#ifndef RECORDER_VERSION
#error "RECORDER_VERSION must be defined by the build"
#endif
#ifndef DEFAULT_PROFILE_DIR
#error "DEFAULT_PROFILE_DIR must be defined by the build"
#endif

namespace {

constexpr double kMaxTimeoutSeconds = 3600;

// --timeout's seconds, more than 0 and at most an hour; none if it is not.
std::optional<std::chrono::milliseconds> parse_timeout(const std::string& arg)
{
	double seconds = 0;
	auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), seconds);
	if (ec != std::errc() || end != arg.data() + arg.size() || !(seconds > 0) || seconds > kMaxTimeoutSeconds)
		return std::nullopt;
	return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

std::string check_timeout(const std::string& arg)
{
	return parse_timeout(arg) ? "" : "takes seconds between 0 and 3600, not '" + arg + "'";
}

std::string check_absolute_or_empty(const std::string& arg)
{
	return arg.empty() || arg[0] == '/' ? "" : "takes an absolute path, not '" + arg + "'";
}

// "socket, clone, ... and pkey_mprotect": the syscalls with argument rules.
std::string arg_rule_syscalls()
{
	std::string list;
	for (uint32_t i = 0; i < ARG_RULE_COUNT; ++i)
		list += std::string(i == 0 ? "" : i + 1 == ARG_RULE_COUNT ? " and " : ", ") + arg_syscall_name(i);
	return list;
}

// The options given, when only a subcommand's may be.
std::string hook_option_given(const CLI::App& app)
{
	for (const CLI::Option* opt : app.get_options())
		if (opt->count() > 0)
			return opt->get_name();
	return "";
}

// Text for man(7): a hyphen in an option's name must be \\- to render and
// to be searched for as a minus.
std::string roff(std::string_view text)
{
	std::string out;
	for (char c : text)
		out += c == '-' ? std::string("\\-") : std::string(1, c);
	return out;
}

// An option's usage, "[-o|--output FILE]", in man(7) markup.
std::string option_usage(const CLI::Option& opt)
{
	std::string names;
	for (const std::string& name : opt.get_snames())
		names += (names.empty() ? "" : " | ") + roff("-" + name);
	for (const std::string& name : opt.get_lnames())
		names += (names.empty() ? "" : " | ") + roff("--" + name);
	if (opt.get_expected_max() == 0) // a flag
		return ".RB [ " + names + " ]\n";
	return ".RB [ " + names + "\n.IR " + opt.get_type_name() + " ]\n";
}

// A positional argument's usage: "OLD", "PROFILE..." or "[ID...]".
std::string positional_usage(const CLI::Option& opt)
{
	std::string many = opt.get_expected_max() > 1 ? "..." : "";
	if (opt.get_required())
		return ".I " + opt.get_name() + many + "\n";
	return ".RI [ " + opt.get_name() + " " + many + "]\n";
}

// One line of usage: the command, its options, then its arguments.
std::string usage(const CLI::App& command, const std::string& name)
{
	std::string line = ".B " + name + "\n";
	std::string positionals;
	for (const CLI::Option* opt : command.get_options()) {
		if (opt == command.get_help_ptr() || opt == command.get_help_all_ptr() || opt->check_lname("version"))
			continue;
		if (opt->get_positional())
			positionals += positional_usage(*opt);
		else
			line += option_usage(*opt);
	}
	return line + positionals;
}

// A whole number from `low` to `high`, its default shown.
template <typename T>
void add_ranged_option(CLI::App& app, const std::string& name, T& value, const std::string& what,
		       const std::string& type, int low, int high)
{
	app.add_option(name, value, what)->type_name(type)->check(CLI::Range(low, high))->capture_default_str();
}

// How recordings are made: the hook's options, and the recording service's.
void add_recording_options(CLI::App& app, RecordingOptions& opts)
{
	app.add_flag("--seccompprofile", opts.seccompprofile,
		     "also write OUT as a SeccompProfile resource of the Security Profiles Operator, to OUT without "
		     ".json plus .seccompprofile.yaml");
	app.add_flag("--allow-denied", opts.allow_denied,
		     "also allow what the container's seccomp filter denied while it was recorded (by default the "
		     "report lists it, the profile does not allow it)");
	app.add_flag("--arg-rules", opts.arg_rules,
		     "allow " + arg_rule_syscalls() +
			     " only with the argument values recorded (an annotation's args:on or args:off decides)");
	app.add_option("--btf-cache", opts.btf_cache_dir,
		       "keep the kernel's BTF, cut down to what the recorder uses, in DIR: later first loads skip "
		       "parsing the kernel's ('' for none)")
		->type_name("DIR")
		->check(CLI::Validator(check_absolute_or_empty, ""))
		->capture_default_str();
	add_ranged_option(app, "--linger", opts.linger,
			  "after the last recording on the node, keep the program loaded and detached this long, for the "
			  "next recording to attach without loading (0: unload at once; cleanup unloads it)",
			  "SECONDS", 0, 86400);
}

// Where the recording service listens, for the hook and a user's status.
void add_service_socket_option(CLI::App& app, std::string& socket, const std::string& what)
{
	app.add_option("--service-socket", socket, "where the recording service listens, " + what)
		->type_name("PATH")
		->check(CLI::Validator(check_absolute_or_empty, ""))
		->capture_default_str();
}

void add_log_options(CLI::App& app, std::string& log_file, bool& verbose)
{
	app.add_option("--log-file", log_file, "also append log lines to FILE (they always go to syslog)")
		->type_name("FILE");
	app.add_flag("--verbose", verbose, "also log libbpf's debug output");
}

} // namespace

CommandLine::CommandLine()
    : app("OCI prestart hook. Reads the container's state on stdin and, when it carries the annotation\n"
	  "io.containers.trace-syscall=\"of:OUT[;if:IN][;args:on|off]\" (or, in a pod,\n"
	  "io.containers.trace-syscall/CONTAINER=...), records the syscalls the container makes until\n"
	  "its init exits, then writes a seccomp profile to OUT.",
	  "oci-seccomp-recorder")
{
	// One --help shows the hook's options and every command's.
	app.set_help_flag();
	app.set_help_all_flag("--help", "show this help");
	app.set_version_flag("--version", "oci-seccomp-recorder " RECORDER_VERSION, "show the version");

	// As getopt did: an option given again (hooks.d args, then a test's) wins.
	app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

	hook.profile_dir = DEFAULT_PROFILE_DIR;
	app.add_option("--profile-dir", hook.profile_dir, "profiles are read and written only below DIR (created 0700)")
		->type_name("DIR")
		->capture_default_str();
	add_recording_options(app, hook.recording);
	app.add_option("--timeout", timeout_, "how long to wait for recording to start")
		->type_name("SECONDS")
		->check(CLI::Validator(check_timeout, ""))
		->capture_default_str();
	add_service_socket_option(app, hook.service_socket,
				  "which records for a hook without BPF privilege (rootless podman's)");
	add_log_options(app, hook.log_file, hook.verbose);

	merge_cmd = app.add_subcommand(
		"merge", "write the union of PROFILEs (same default action) to standard output or --output FILE, or "
			 "with --seccompprofile NAME as a SeccompProfile resource");
	CLI::Option* output = merge_cmd->add_option("-o,--output", merge.output, "write FILE (atomically) instead of standard output")
		->type_name("FILE");
	CLI::Option* resource =
		merge_cmd->add_option("--seccompprofile", merge.resource, "write a SeccompProfile resource named NAME")
			->type_name("NAME");
	merge_cmd
		->add_option("--oci", merge.oci,
			     "write an OCI artifact (the form CRI-O and KEP-6061 pull) tagged TAG into the OCI image layout "
			     "DIR, and print its digest; push it with skopeo copy oci:DIR:TAG docker://REGISTRY/NAME:TAG")
		->type_name("DIR:TAG")
		->excludes(resource)
		->excludes(output);
	merge_cmd->add_option("PROFILE", merge.profiles, "profiles to merge")->type_name("")->required();

	diff_cmd = app.add_subcommand(
		"diff", "print the syscalls and settings that differ; exit status 0 if none, 1 if some, 2 on error");
	diff_cmd->add_option("OLD", diff_before, "profile before")->type_name("")->required();
	diff_cmd->add_option("NEW", diff_after, "profile after")->type_name("")->required();

	stability_cmd = app.add_subcommand(
		"stability", "say in how many runs each syscall and argument value was seen, and whether the last --settle "
			     "runs added nothing; exit status 0 if so, 1 if not yet, 2 on error");
	add_ranged_option(*stability_cmd, "--settle", stability.settle, "runs in a row that must add nothing", "N", 1, 100);
	stability_cmd->add_flag("--json", stability.json, "as JSON, for scripts");
	stability_cmd->add_option("REPORT", stability.reports, "OUT.report.json of each run (its OUT.json beside it)")
		->type_name("")
		->required();

	status_cmd = app.add_subcommand("status", "list the recordings on this node (a user's own, for anyone but root)");
	status_cmd->add_flag("--json", status_json, "as JSON, for scripts");
	add_service_socket_option(*status_cmd, status_socket, "which answers a user other than root with their own");

	stop_cmd = app.add_subcommand(
		"stop", "write the profiles of the containers named (by id or a unique prefix), or of all, now, and end "
			"their recordings");
	stop_cmd->add_option("ID", stop_ids, "container ids or unique prefixes")->type_name("");
	stop_cmd->add_flag("--all", stop_all, "every recording on this node");

	cleanup_cmd = app.add_subcommand("cleanup", "free what tracing children that died left");

	service_cmd = app.add_subcommand(
		"service", "record containers for callers without BPF privilege (rootless podman's hooks), on the "
			   "socket systemd passes (oci-seccomp-recorder.socket), into each caller's own directory");
	add_ranged_option(*service_cmd, "--max-per-user", service.max_per_user, "requests and recordings under way per user",
			  "N", 1, 1024);
	add_ranged_option(*service_cmd, "--idle-exit", idle_exit_, "exit after this long with nothing under way (0: never)",
			  "SECONDS", 0, 86400);
	add_recording_options(*service_cmd, service.recording);
	add_log_options(*service_cmd, service.log_file, service.verbose);
	app.require_subcommand(0, 1);

}

std::optional<int> CommandLine::parse(int argc, char** argv)
{
	try {
		app.parse(argc, argv);
		std::string stray = app.get_subcommands().empty() ? "" : hook_option_given(app);
		if (!stray.empty())
			throw CLI::ExtrasError(stray + " is an option of the hook, not of " +
						       app.get_subcommands().front()->get_name(),
					       CLI::ExitCodes::ExtrasError);
	} catch (const CLI::Success& e) { // --help, --version
		return app.exit(e);
	} catch (const CLI::ParseError& e) {
		// One line, as every error here; the failing command's own status.
		std::string command = app.get_subcommands().empty() ? "" : " " + app.get_subcommands().front()->get_name();
		if (command.empty()) {
			logging::error(e.what());
			return 1;
		}
		std::fprintf(stderr, "oci-seccomp-recorder%s: %s\n", command.c_str(), e.what());
		return diff_cmd->parsed() || stability_cmd->parsed() ? kDiffTrouble : 1;
	}

	hook.timeout = *parse_timeout(timeout_);
	service.idle_exit = std::chrono::seconds(idle_exit_);
	return std::nullopt;
}

std::string CommandLine::man_synopsis() const
{
	std::string out = usage(app, app.get_name());
	for (const CLI::App* command : app.get_subcommands({}))
		out += ".br\n" + usage(*command, app.get_name() + " " + command->get_name());
	return out;
}
