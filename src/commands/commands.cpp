// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "commands/commands.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "base/error.h"
#include "base/path.h"
#include "base/proc_stat.h"
#include "node/node_program.h"
#include "node/recordings.h"
#include "profile/oci_artifact.h"
#include "profile/profile_dir.h"
#include "profile/report.h"
#include "profile/ruleset.h"
#include "profile/seccompprofile.h"
#include "profile/stability.h"
#include "service/client.h"

namespace {

// Far above any real profile (Docker's default is 25 KiB).
constexpr size_t kMaxProfileBytes = 64 << 20;
// How long `stop` waits for the recordings it ended to write their profiles.
constexpr std::chrono::seconds kStopWait{60};
// How long a user's `status` waits for the recording service.
constexpr std::chrono::seconds kStatusWait{10};

// A profile's or report's text; none if `missing_ok` and there is no file.
std::optional<std::string> read_text(const std::string& path, bool missing_ok = false)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd && missing_ok && errno == ENOENT)
		return std::nullopt;
	if (!fd)
		throw_errno("open " + path);
	return read_capped(fd.get(), kMaxProfileBytes, path);
}

RuleSet read_ruleset(const std::string& path)
{
	return parse_ruleset(*read_text(path), path);
}

void write_output(const std::string& path, const std::string& data)
{
	if (path.empty()) {
		if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout) != 0)
			throw_errno("write standard output");
		return;
	}
	SplitPath split = split_path(path);
	int fd = ::open(split.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		throw_errno("open directory " + split.dir);
	OutputFile(UniqueFd(fd), split.name, path).write_atomically(data);
}

// Runs a subcommand body; errors become one line and `failure`.
template <typename Body>
int run_command(const char* name, int failure, Body body)
{
	try {
		return body();
	} catch (const std::exception& e) {
		std::fprintf(stderr, "oci-seccomp-recorder %s: %s\n", name, e.what());
		return failure;
	}
}

} // namespace

int merge_command(const MergeArgs& args)
{
	return run_command("merge", 1, [&] {
		RuleSet all = read_ruleset(args.profiles.at(0));
		for (size_t i = 1; i < args.profiles.size(); ++i)
			merge_ruleset(all, read_ruleset(args.profiles[i]), args.profiles[i]);
		const std::optional<std::string>& resource = args.resource;
		if (resource) {
			std::string valid = resource_name(*resource);
			if (valid != *resource)
				throw Error("'" + *resource + "' is not a resource name (a-z, 0-9 and '-'): '" + valid +
					    "' would be");
		}
		if (args.oci) {
			// DIR:TAG, DIR itself perhaps with a ':'.
			size_t colon = args.oci->rfind(':');
			if (colon == std::string::npos || colon == 0)
				throw Error("--oci takes DIR:TAG, not '" + *args.oci + "'");
			std::string digest =
				write_oci_artifact(args.oci->substr(0, colon), args.oci->substr(colon + 1), runtime_spec_profile(all));
			write_output("", digest + "\n");
			return 0;
		}
		write_output(args.output, resource ? render_seccompprofile(all, *resource) : render_ruleset(all));
		return 0;
	});
}

int stability_command(const StabilityArgs& args)
{
	return run_command("stability", kDiffTrouble, [&] {
		constexpr std::string_view kReport = ".report.json";
		std::vector<Run> runs;
		for (const std::string& path : args.reports) {
			std::string report = *read_text(path);
			// Its profile, where the hook wrote it: OUT.json beside OUT.report.json.
			std::optional<std::string> profile;
			if (path.ends_with(kReport))
				profile = read_text(path.substr(0, path.size() - kReport.size()) + ".json", true);
			runs.push_back(read_run(report, profile, path));
		}
		Stability s = measure_stability(std::move(runs));
		write_output("", args.json ? stability_json(s, args.settle).dump(2) + "\n" : render_stability(s, args.settle));
		return s.stable(args.settle) ? 0 : 1;
	});
}

int diff_command(const std::string& before, const std::string& after)
{
	return run_command("diff", kDiffTrouble, [&] {
		std::vector<std::string> lines = diff_rulesets(read_ruleset(before), read_ruleset(after));
		std::string out;
		for (const std::string& line : lines)
			out += line + "\n";
		write_output("", out);
		return lines.empty() ? kDiffSame : kDiffDifferent;
	});
}

namespace {

// The table status prints, from the list recordings_json gives.
std::string status_table(const nlohmann::json& list)
{
	if (list.empty())
		return "no recordings on this node\n";
	char line[512];
	std::snprintf(line, sizeof(line), "%-12s  %-12s  %-7s  %-8s  %-24s  %-14s  %s\n", "CONTAINER", "OWNER", "PID",
		      "SYSCALLS", "SINCE", "TRACER", "PROFILE");
	std::string out = line;
	auto text = [](const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : "?"; };
	for (const nlohmann::json& r : list) {
		// The user the recording service records for, by name; "-" for the node's.
		std::string owner = "-";
		if (r.at("owner").is_number_unsigned()) {
			uid_t uid = r.at("owner").get<uid_t>();
			const struct passwd* pw = ::getpwuid(uid);
			owner = pw ? pw->pw_name : std::to_string(uid);
		} else if (r.at("container").is_null()) {
			owner = "?";
		}
		const nlohmann::json& tracer = r.at("tracer");
		std::string tracer_text = std::to_string(tracer.at("pid").get<uint32_t>()) +
					  (tracer.at("alive").get<bool>() ? " running" : " gone");
		std::snprintf(line, sizeof(line), "%-12.12s  %-12s  %-7u  %-8zu  %-24s  %-14s  %s\n",
			      text(r.at("container")).c_str(), owner.c_str(), r.at("pid").get<uint32_t>(),
			      r.at("syscalls").get<size_t>(), text(r.at("started")).c_str(), tracer_text.c_str(),
			      text(r.at("profile")).c_str());
		out += line;
	}
	return out;
}

} // namespace

int status_command(bool as_json, const std::string& service_socket)
{
	return run_command("status", 1, [&] {
		// The node's BPF maps are root's: a user asks the recording service,
		// which answers with that user's own recordings.
		bool root = ::geteuid() == 0;
		nlohmann::json list = root ? nlohmann::json(recordings_json(running_recordings()))
					   : request_status(service_socket, kStatusWait);
		std::string out = as_json ? list.dump(2) + "\n" : status_table(list);
		if (std::optional<Lingering> lingering = root && !as_json && list.empty() ? load_lingering() : std::nullopt)
			out += "the BPF recorder lingers, loaded and detached, until " + utc_time({lingering->until, 0}) +
			       ": the next recording attaches it without loading (cleanup unloads it now)\n";
		write_output("", out);
		return 0;
	});
}

int stop_command(const std::vector<std::string>& ids, bool all)
{
	return run_command("stop", 1, [&] {
		if (!all && ids.empty())
			throw Error("no recording named: give container ids (or unique prefixes), or --all");
		if (all && !ids.empty())
			throw Error("unexpected argument '" + ids.front() + "': --all stops every recording");
		std::vector<Running> now = running_recordings();
		std::vector<Running> chosen;
		if (all) {
			chosen = now;
		} else {
			for (const std::string& id : ids) {
				std::vector<Running> matches;
				for (const Running& r : now)
					if (!id.empty() && container_of(r).rfind(id, 0) == 0)
						matches.push_back(r);
				if (matches.empty())
					throw Error("no recording of container '" + id + "' on this node");
				if (matches.size() > 1)
					throw Error("'" + id + "' names " + std::to_string(matches.size()) + " recordings: give more of the id");
				chosen.push_back(matches.front());
			}
		}
		// A live tracing child writes the profile and ends on SIGTERM; the
		// slot of one that is gone is freed, as cleanup does. The signal goes
		// through a pidfd opened while the child was still the one that owns
		// the slot, so it never reaches a process that took its pid; the stop
		// is over when that child has exited, which is after its profile is
		// written and its slot is free.
		std::vector<std::optional<UniqueFd>> children;
		bool stale = false;
		for (const Running& r : chosen) {
			pid_t owner = static_cast<pid_t>(r.used.slot.owner_pid);
			std::optional<UniqueFd> child;
			if (r.used.owner_alive)
				child = open_process(owner, r.used.slot.owner_start);
			if (child && ::syscall(SYS_pidfd_send_signal, child->get(), SIGTERM, nullptr, 0) < 0 && errno != ESRCH)
				throw_errno("signal the tracing child " + std::to_string(owner));
			stale = stale || !child;
			children.push_back(std::move(child));
		}
		if (stale) {
			NodeLock lock(std::chrono::seconds(10));
			NodeProgram::tidy(lock);
		}
		auto deadline = std::chrono::steady_clock::now() + kStopWait;
		for (size_t i = 0; i < chosen.size(); ++i) {
			const Running& r = chosen[i];
			auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
			if (children[i] && !wait_exited(children[i]->get(), left))
				throw Error("the recording of " + container_of(r) + " did not end within " +
					    std::to_string(kStopWait.count()) + " s");
			std::string what = children[i] ? "stopped" : "freed the slot of";
			std::string profile = r.info ? r.info->profile : "?";
			write_output("", what + " " + container_of(r) + " (" + profile + ")\n");
		}
		if (chosen.empty())
			write_output("", "no recordings on this node\n");
		return 0;
	});
}

int cleanup_command()
{
	return run_command("cleanup", 1, [&] {
		NodeLock lock(std::chrono::seconds(10));
		bool lingered = load_lingering().has_value();
		size_t freed = NodeProgram::tidy(lock);
		std::string out = freed ? "freed " + std::to_string(freed) + " recording slot(s) of tracing children that are gone\n" : "";
		if (lingered && !load_lingering())
			out += "unloaded the lingering BPF recorder\n";
		write_output("", out.empty() ? "nothing to clean up\n" : out);
		return 0;
	});
}
