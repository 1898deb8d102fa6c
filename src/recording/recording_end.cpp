// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "recording/recording_end.h"

#include <unistd.h>

#include <ctime>

#include "base/error.h"
#include "base/log.h"
#include "base/path.h"
#include "profile/profile.h"
#include "profile/profile_dir.h"
#include "profile/ruleset.h"
#include "profile/seccompprofile.h"

namespace {

// How long the end of a recording waits for the node lock before it writes
// its profile first.
constexpr std::chrono::seconds kReleaseWait{10};

// Recordings that overlap in time and name one output end in one profile
// with all of them: what overlapping recordings wrote there is merged in
// (kept across snapshots, which replace the file). Returns the text to
// write, and its rules.
std::pair<std::string, RuleSet> with_overlapping(const RecordingJob& job, const RecordedProfile& profile, Writes& writes)
{
	const std::string& where = job.output.display();
	auto other = job.output.read_unless({writes.at_start ? &*writes.at_start : nullptr,
					     writes.last ? &*writes.last : nullptr},
					    kMaxInputProfileBytes);
	if (other) {
		try {
			RuleSet theirs = parse_ruleset(*other, where);
			if (writes.others)
				merge_ruleset(*writes.others, theirs, where);
			else
				writes.others = std::move(theirs);
		} catch (const std::exception& e) {
			logging::warn(where + ": replacing what a recording that overlapped this one wrote there: " + e.what());
		}
	}
	if (!writes.others)
		return {profile.text, profile.rules};
	RuleSet both = *writes.others;
	try {
		merge_ruleset(both, profile.rules, "this recording");
	} catch (const std::exception& e) {
		logging::warn(where + ": replacing what a recording that overlapped this one wrote there: " + e.what());
		return {profile.text, profile.rules};
	}
	logging::info(where + ": merged with what recordings that overlapped this one wrote there");
	return {render_ruleset(both), both};
}

// What seccomp filters refused, by whose filter: the container's (denied,
// killed), or one the workload stacked on it. A refusal under stacked
// filters is the container's unless its filter is known not to have made it.
struct Refusals {
	ResolvedNames denied, killed, workload;
};

Refusals sort_refusals(const RecordingJob& job, const Recorded& rec)
{
	std::set<SyscallId> denied = rec.denied, killed = rec.killed, workload;
	for (const auto& [id, refusal] : rec.stacked) {
		std::set<std::string> name = resolve_names({id}).names;
		if (job.container_filter && name.size() == 1 &&
		    job.container_filter->refused_by_workload(*name.begin(), refusal.errnos, refusal.killed)) {
			workload.insert(id);
			continue;
		}
		if (refusal.errnos != 0)
			denied.insert(id);
		if (refusal.killed)
			killed.insert(id);
	}
	return {resolve_names(denied), resolve_names(killed), resolve_names(workload)};
}

// The report of this recording so far, beside the profile. A failure is
// logged: the profile matters more.
void write_report(const RecordingJob& job, const Recorded& rec, const ResolvedNames& resolved, const Refusals& refusals,
		  const Writes& writes, const std::string& ended_by)
{
	Report report = job.report.base;
	report.started = writes.started;
	::clock_gettime(CLOCK_REALTIME, &report.ended);
	report.ended_by = ended_by;
	report.recorded = resolved.by_arch;
	report.denied = refusals.denied.by_arch;
	report.killed = refusals.killed.by_arch;
	report.workload_denied = refusals.workload.by_arch;
	report.untracked = rec.untracked;
	try {
		job.report.file.write_atomically(render_report(report));
	} catch (const std::exception& e) {
		logging::error(e.what());
	}
}

// A profile its own file did not take, kept in `dir_path` under the
// tracing child's pid and the file's name. Returns where, or why not.
std::string save_unwritten(const std::string& display, const std::string& text, const std::string& dir_path)
{
	try {
		std::string name = std::to_string(::getpid()) + "-" + split_path(display).name;
		ProfileDir dir(dir_path);
		dir.output(name).write_atomically(text, 0600);
		return "saved as " + dir_path + "/" + name;
	} catch (const std::exception& e) {
		return std::string("not saved elsewhere either: ") + e.what();
	}
}

} // namespace

bool write_profile(const RecordingJob& job, const Recorded& rec, Writes& writes, const std::string& ended_by,
		   const ProfileFiles& files)
{
	if (rec.untracked != 0)
		logging::warn(std::to_string(rec.untracked) + " processes of the container were not tracked (over " +
			      std::to_string(MAX_MEMBERS_PER_RECORDING) + " at once): their syscalls were recorded only" +
			      " while in the container's mount namespace");
	ResolvedNames resolved = resolve_names(rec.syscalls);
	for (const SyscallId& id : resolved.unnamed)
		logging::warn("syscall " + std::to_string(id.nr) + " of ABI " + std::to_string(id.abi) +
			      " has no name in this libseccomp: it cannot be allowed by name");
	Refusals refusals = sort_refusals(job, rec);
	const ResolvedNames& denied = refusals.denied;
	std::set<std::string> allowed = resolved.names;
	if (!denied.names.empty()) {
		logging::warn(job.output.display() + ": the container's seccomp filter denied " +
			      std::to_string(denied.names.size()) + " syscalls: " + join(denied.names, " ") +
			      (job.allow_denied ? "; allowed in the profile (--allow-denied)"
						: "; not in the profile (--allow-denied adds them)"));
		if (job.allow_denied)
			allowed.insert(denied.names.begin(), denied.names.end());
	}
	if (!refusals.killed.names.empty())
		logging::warn(job.output.display() + ": the container's seccomp filter killed processes (SIGSYS) at: " +
			      join(refusals.killed.names, " ") + "; not in the profile");
	if (!refusals.workload.names.empty())
		logging::info(job.output.display() + ": a seccomp filter the workload installed itself refused: " +
			      join(refusals.workload.names, " ") + " (its own policy: no profile could allow them)");
	std::optional<ArgRules> args;
	if (job.arg_rules) {
		args = make_arg_rules(rec.arguments, allowed);
		if (!args->unrestricted.empty())
			logging::warn(job.output.display() + ": allowed whatever their arguments (more values than " +
				      std::to_string(ARG_VALUES_PER_RULE) + ", or flags that could not be read): " +
				      join(args->unrestricted, " "));
	}
	RecordedProfile profile = build_profile(job.input ? &*job.input : nullptr, allowed, host_arch_names(),
						args ? &*args : nullptr);
	// Before the profile: whoever waits for the profile finds the report too.
	write_report(job, rec, resolved, refusals, writes, ended_by);
	RuleSet written;
	std::string text = profile.text;
	try {
		// Only writers of this same file wait here, each for as long as it
		// takes: no caller waits on a tracing child.
		FileLock lock = job.output.lock(files.lock_file);
		auto merged = with_overlapping(job, profile, writes);
		text = std::move(merged.first);
		writes.last = job.output.write_atomically(text);
		written = std::move(merged.second);
	} catch (const std::exception& e) {
		logging::error(std::string(e.what()) + "; the profile " + save_unwritten(job.output.display(), text, files.unwritten_dir) +
			       "; the recorded syscalls: " + join(resolved.names, " "));
		return false;
	}
	logging::info("wrote " + job.output.display() + ": " + std::to_string(resolved.names.size()) +
		      " syscalls recorded, " + std::to_string(profile.added.size()) + " allowed by its recorded rule" +
		      (profile.restricted.empty() ? ""
						  : ", " + std::to_string(profile.restricted.size()) +
							    " by argument rules (" + join(profile.restricted, " ") + ")") +
		      (job.input ? " (the others were in the input profile)" : ""));
	if (!profile.denied.empty())
		logging::warn(job.output.display() + ": the input profile denies these recorded syscalls, and they stay denied: " +
			      join(profile.denied, " "));
	if (!profile.conditional.empty())
		logging::info(job.output.display() +
			      ": the input profile allows these recorded syscalls only under its conditions, which they keep: " +
			      join(profile.conditional, " "));
	if (job.resource) {
		std::string resource = render_seccompprofile(written, job.resource->name);
		try {
			job.resource->file.write_atomically(resource);
		} catch (const std::exception& e) {
			logging::error(std::string(e.what()) + "; the resource " +
				       save_unwritten(job.resource->file.display(), resource, files.unwritten_dir));
			return false;
		}
		logging::info("wrote " + job.resource->file.display() + ": SeccompProfile " + job.resource->name);
	}
	return true;
}


int end_recording(const RecordingJob& job, RecordingSource& source, Writes& writes, const std::string& ended_by,
		  const ProfileFiles& files)
{
	Recorded last = source.read();
	// The slot is freed before the profile is written: a recording that
	// waits for its file's turn holds none of the node's. One not freed in
	// time is freed after the write, whatever the wait.
	bool freed = source.release(kReleaseWait);
	int status = 1;
	std::string pid = "pid " + std::to_string(job.target.pid);
	if (last.syscalls.empty()) {
		logging::error(pid + " exited before its runtime started it: no profile written to " + job.output.display());
	} else if (!last.execed) {
		// What a runtime does before it fails to start the container's
		// process is no profile of it, and must not replace one that is.
		logging::error(pid + " exited before its runtime exec'd the container's process (the runtime failed to" +
			       " start it): no profile written to " + job.output.display());
	} else {
		status = write_profile(job, last, writes, ended_by, files) ? 0 : 1;
	}
	if (!freed)
		source.release(std::chrono::milliseconds::max());
	return status;
}
