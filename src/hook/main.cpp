// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// oci-seccomp-recorder: an OCI prestart hook that records the syscalls a
// container makes and writes a seccomp profile that allows just those.
#include <getopt.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <string>

#include "base/error.h"
#include "base/log.h"
#include "commands/commands.h"
#include "hook/recording_child.h"
#include "oci/annotation.h"
#include "oci/bundle.h"
#include "oci/state.h"
#include "profile/profile.h"
#include "profile/profile_dir.h"
#include "profile/seccompprofile.h"

#ifndef RECORDER_VERSION
#error "RECORDER_VERSION must be defined by the build"
#endif
#ifndef DEFAULT_PROFILE_DIR
#error "DEFAULT_PROFILE_DIR must be defined by the build"
#endif

namespace {

struct Options {
	long timeout_ms = 10000;
	std::string profile_dir = DEFAULT_PROFILE_DIR;
	std::string log_file;
	std::string btf_cache_dir = "/var/cache/oci-seccomp-recorder";
	bool verbose = false;
	bool seccompprofile = false;
	bool allow_denied = false;
	bool arg_rules = false;
};

void usage(FILE* out)
{
	std::fprintf(out,
		     "Usage: oci-seccomp-recorder [OPTIONS]\n"
		     "       oci-seccomp-recorder merge [--output FILE] [--seccompprofile NAME] PROFILE...\n"
		     "       oci-seccomp-recorder diff OLD NEW\n"
		     "       oci-seccomp-recorder status [--json]\n"
		     "       oci-seccomp-recorder stop ID...|--all\n"
		     "       oci-seccomp-recorder cleanup\n"
		     "\n"
		     "OCI prestart hook. Reads the container's state on stdin and, when it carries the\n"
		     "annotation io.containers.trace-syscall=\"of:OUT[;if:IN][;args:on|off]\" (or, in a pod,\n"
		     "io.containers.trace-syscall/CONTAINER=...), records the syscalls the container\n"
		     "makes until its init exits, then writes a seccomp profile to OUT.\n"
		     "\n"
		     "Options:\n"
		     "  --profile-dir DIR   profiles are read and written only below DIR\n"
		     "                      (default %s, created 0700)\n"
		     "  --seccompprofile    also write OUT as a SeccompProfile resource of the Security\n"
		     "                      Profiles Operator, to OUT without .json plus .seccompprofile.yaml\n"
		     "  --allow-denied      also allow what the container's seccomp filter denied while\n"
		     "                      it was recorded (by default the report lists it, the\n"
		     "                      profile does not allow it)\n"
		     "  --arg-rules         allow socket, clone, unshare, setns, personality, prctl,\n"
		     "                      ioctl, mmap and mprotect only with the argument values\n"
		     "                      recorded (an annotation's args:on or args:off decides)\n"
		     "  --timeout SECONDS   how long to wait for recording to start (default 10)\n"
		     "  --log-file FILE     also append log lines to FILE (they always go to syslog)\n"
		     "  --btf-cache DIR     keep the kernel's BTF, cut down to what the recorder uses,\n"
		     "                      in DIR: later first loads skip parsing the kernel's\n"
		     "                      (default /var/cache/oci-seccomp-recorder; '' for none)\n"
		     "  --verbose           also log libbpf's debug output\n"
		     "  --help              show this help\n"
		     "  --version           show the version\n"
		     "\n"
		     "merge writes the union of PROFILEs (same default action) to standard output or\n"
		     "--output FILE, or with --seccompprofile NAME as a SeccompProfile resource.\n"
		     "diff prints the syscalls and settings that differ; exit status 0 if none, 1 if\n"
		     "some, 2 on error.\n"
		     "status lists the recordings on this node (--json for scripts); stop writes the\n"
		     "profiles of the containers named (by id or a unique prefix) or of all, now, and\n"
		     "ends their recordings; cleanup frees what tracing children that died left.\n",
		     DEFAULT_PROFILE_DIR);
}

Options parse_options(int argc, char** argv)
{
	static const struct option longopts[] = {
		{"profile-dir", required_argument, nullptr, 'd'},
		{"timeout", required_argument, nullptr, 't'},
		{"log-file", required_argument, nullptr, 'l'},
		{"btf-cache", required_argument, nullptr, 'b'},
		{"verbose", no_argument, nullptr, 'v'},
		{"seccompprofile", no_argument, nullptr, 's'},
		{"allow-denied", no_argument, nullptr, 'a'},
		{"arg-rules", no_argument, nullptr, 'r'},
		{"help", no_argument, nullptr, 'h'},
		{"version", no_argument, nullptr, 'V'},
		{nullptr, 0, nullptr, 0},
	};
	Options opts;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, nullptr)) != -1) {
		switch (c) {
		case 'd':
			opts.profile_dir = optarg;
			break;
		case 't': {
			std::string_view arg(optarg);
			double seconds = 0;
			auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), seconds);
			if (ec != std::errc() || end != arg.data() + arg.size() || !(seconds > 0) || seconds > 3600)
				throw Error("--timeout takes seconds between 0 and 3600, not '" + std::string(arg) + "'");
			opts.timeout_ms = static_cast<long>(seconds * 1000);
			break;
		}
		case 'l':
			opts.log_file = optarg;
			break;
		case 'b':
			opts.btf_cache_dir = optarg;
			if (!opts.btf_cache_dir.empty() && opts.btf_cache_dir[0] != '/')
				throw Error("--btf-cache takes an absolute path, not '" + opts.btf_cache_dir + "'");
			break;
		case 'v':
			opts.verbose = true;
			break;
		case 's':
			opts.seccompprofile = true;
			break;
		case 'a':
			opts.allow_denied = true;
			break;
		case 'r':
			opts.arg_rules = true;
			break;
		case 'h':
			usage(stdout);
			std::exit(0);
		case 'V':
			std::printf("oci-seccomp-recorder %s\n", RECORDER_VERSION);
			std::exit(0);
		default:
			usage(stderr);
			std::exit(2);
		}
	}
	if (optind != argc)
		throw Error(std::string("unexpected argument '") + argv[optind] + "'");
	return opts;
}

int run(const Options& opts)
{
	State state = read_state(STDIN_FILENO);
	std::optional<SelectedAnnotation> annotation = select_annotation(state.annotations);
	if (!annotation) {
		logging::info("container " + state.id + ": no " + std::string(kAnnotation) +
			      " annotation for it: nothing to record");
		return 0;
	}
	Request req = parse_annotation(annotation->value);

	ProfileDir dir(opts.profile_dir);
	if (std::optional<std::string> tenant = tenant_of(state.annotations))
		dir = dir.subdir(*tenant); // of: and if: resolve in the namespace's own directory
	std::optional<InputProfile> input;
	if (req.input)
		input = parse_input_profile(dir.read(*req.input, kMaxInputProfileBytes));
	OutputFile output = dir.output(req.output);
	std::optional<ResourceOutput> resource;
	if (opts.seccompprofile) {
		resource = ResourceOutput{dir.output(beside(req.output, ".seccompprofile.yaml")), resource_name(req.output)};
		// Refused now, not after the recording: what the input has, the output has.
		if (input)
			render_seccompprofile(input->rules, resource->name);
	}
	Report report;
	report.container_id = state.id;
	report.container_name = container_name(state.annotations);
	report.profile = output.display();
	report.under_seccomp = has_seccomp_filter(state.bundle);
	ReportOutput report_output{dir.output(beside(req.output, ".report.json")), std::move(report)};
	Target target = resolve_target(state.pid);

	std::string display = output.display();
	start_recording_child(RecordingJob{std::move(target), std::move(output), std::move(resource), std::move(report_output),
			      std::move(input), opts.btf_cache_dir, opts.allow_denied, req.arg_rules.value_or(opts.arg_rules)},
		     std::chrono::milliseconds(opts.timeout_ms));
	logging::info("container " + state.id + ": recording into " + display + " (" + annotation->key + ")");
	return 0;
}

} // namespace

int main(int argc, char** argv)
{
	using namespace std::literals;
	if (argc > 1 && argv[1] == "merge"sv)
		return merge_command(argc - 1, argv + 1);
	if (argc > 1 && argv[1] == "diff"sv)
		return diff_command(argc - 1, argv + 1);
	if (argc > 1 && argv[1] == "status"sv)
		return status_command(argc - 1, argv + 1);
	if (argc > 1 && argv[1] == "stop"sv)
		return stop_command(argc - 1, argv + 1);
	if (argc > 1 && argv[1] == "cleanup"sv)
		return cleanup_command(argc - 1, argv + 1);
	try {
		Options opts = parse_options(argc, argv);
		logging::open(opts.log_file);
		logging::set_verbose(opts.verbose);
		return run(opts);
	} catch (const std::exception& e) {
		logging::error(e.what());
		return 1;
	}
}
