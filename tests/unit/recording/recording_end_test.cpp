// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The recording child's decisions at the end of a recording, against a fake
// recording and a temp profile directory: no root, no BPF.
#include <catch2/catch.hpp>

#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "recording/recording_end.h"
#include "profile/profile_dir.h"

namespace fs = std::filesystem;

namespace {

SyscallId native(long nr)
{
	return {ABI_NATIVE, static_cast<uint32_t>(nr)};
}

// What a recording holds, and what its release saw and answered.
class FakeSource : public RecordingSource {
public:
	FakeSource(Recorded recorded, fs::path profile) : recorded_(std::move(recorded)), profile_(std::move(profile)) {}
	Recorded read() const override { return recorded_; }
	bool release(std::chrono::milliseconds wait) override
	{
		releases.push_back({wait, fs::exists(profile_)});
		return releases.size() > fail_first;
	}

	struct Release {
		std::chrono::milliseconds wait;
		bool profile_written; // when it was called
	};
	std::vector<Release> releases;
	size_t fail_first = 0; // releases that do not get the lock

private:
	Recorded recorded_;
	fs::path profile_;
};

struct Scratch {
	fs::path root;
	ProfileFiles files;
	Scratch()
	{
		std::string tmpl = (fs::temp_directory_path() / "recording-end-test.XXXXXX").string();
		REQUIRE(::mkdtemp(tmpl.data()));
		root = tmpl;
		files.lock_file = (root / "profiles.lock").string();
		files.unwritten_dir = (root / "unwritten").string();
	}
	~Scratch() { fs::remove_all(root); }
	fs::path profiles() const { return root / "profiles"; }

	RecordingJob job(bool allow_denied = false, std::optional<ContainerFilter> filter = std::nullopt) const
	{
		ProfileDir dir(profiles().string());
		Report report;
		report.container_id = "c0ffee";
		return RecordingJob{Target{},
				    dir.output("app.json"),
				    std::nullopt,
				    ReportOutput{dir.output("app.report.json"), report},
				    std::nullopt,
				    std::move(filter),
				    "",
				    allow_denied,
				    false,
				    std::nullopt,
				    std::chrono::seconds(0)};
	}
};

std::set<std::string> allowed_names(const fs::path& profile)
{
	std::ifstream in(profile);
	nlohmann::json j = nlohmann::json::parse(in);
	std::set<std::string> names;
	for (const auto& rule : j["syscalls"])
		if (rule["action"] == "SCMP_ACT_ALLOW")
			for (const auto& name : rule["names"])
				names.insert(name.get<std::string>());
	return names;
}

void write_file(const fs::path& path, const std::string& text)
{
	std::ofstream(path) << text;
}

Recorded ran(std::set<SyscallId> syscalls)
{
	Recorded r;
	r.syscalls = std::move(syscalls);
	r.execed = true;
	return r;
}

const std::string kOtherProfile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["acct"], "action": "SCMP_ACT_ALLOW"}]})";

} // namespace

TEST_CASE("no profile of a container whose process never ran, nor of its runtime's failed start", "[recording_end]")
{
	Scratch s;
	RecordingJob job = s.job();
	Writes writes{};
	FakeSource nothing(Recorded{}, s.profiles() / "app.json");
	CHECK(end_recording(job, nothing, writes, "init exit", s.files) == 1);
	Recorded runtime_only; // the runtime's syscalls, and no exec
	runtime_only.syscalls = {native(SYS_getpid)};
	FakeSource failed(runtime_only, s.profiles() / "app.json");
	CHECK(end_recording(job, failed, writes, "init exit", s.files) == 1);
	CHECK_FALSE(fs::exists(s.profiles() / "app.json"));
	// Its slot is freed all the same.
	CHECK(nothing.releases.size() == 1);
	CHECK(failed.releases.size() == 1);
}

TEST_CASE("the slot is freed before the profile is written, and the report comes with it", "[recording_end]")
{
	Scratch s;
	RecordingJob job = s.job();
	Writes writes{};
	FakeSource source(ran({native(SYS_getpid), native(SYS_getppid)}), s.profiles() / "app.json");
	CHECK(end_recording(job, source, writes, "init exit", s.files) == 0);
	REQUIRE(source.releases.size() == 1);
	CHECK_FALSE(source.releases[0].profile_written);
	std::set<std::string> names = allowed_names(s.profiles() / "app.json");
	CHECK(names.count("getpid"));
	CHECK(names.count("getppid"));
	std::ifstream report(s.profiles() / "app.report.json");
	nlohmann::json r = nlohmann::json::parse(report);
	CHECK(r["endedBy"] == "init exit");
	CHECK(r["container"]["id"] == "c0ffee");
}

TEST_CASE("a slot not freed in time is freed after the profile is written, however long that takes",
	  "[recording_end]")
{
	Scratch s;
	RecordingJob job = s.job();
	Writes writes{};
	FakeSource source(ran({native(SYS_getpid)}), s.profiles() / "app.json");
	source.fail_first = 1;
	CHECK(end_recording(job, source, writes, "init exit", s.files) == 0);
	REQUIRE(source.releases.size() == 2);
	CHECK_FALSE(source.releases[0].profile_written);
	CHECK(source.releases[1].profile_written);
	CHECK(source.releases[1].wait == std::chrono::milliseconds::max());
}

TEST_CASE("what another recording wrote meanwhile is merged; the file as it was at the start is replaced",
	  "[recording_end]")
{
	Scratch s;
	{
		RecordingJob job = s.job();
		write_file(s.profiles() / "app.json", kOtherProfile); // an earlier run's
		Writes writes{};
		writes.at_start = job.output.version();
		FakeSource source(ran({native(SYS_getpid)}), s.profiles() / "app.json");
		CHECK(end_recording(job, source, writes, "init exit", s.files) == 0);
		CHECK(allowed_names(s.profiles() / "app.json").count("acct") == 0);
	}
	{
		RecordingJob job = s.job();
		fs::remove(s.profiles() / "app.json");
		Writes writes{};
		writes.at_start = job.output.version(); // none
		write_file(s.profiles() / "app.json", kOtherProfile); // an overlapping recording's
		FakeSource source(ran({native(SYS_getpid)}), s.profiles() / "app.json");
		CHECK(end_recording(job, source, writes, "init exit", s.files) == 0);
		std::set<std::string> names = allowed_names(s.profiles() / "app.json");
		CHECK(names.count("acct"));
		CHECK(names.count("getpid"));
	}
}

TEST_CASE("what the container's filter denied is reported, and allowed only with --allow-denied", "[recording_end]")
{
	Scratch s;
	for (bool allow : {false, true}) {
		RecordingJob job = s.job(allow);
		Recorded rec = ran({native(SYS_getpid)});
		rec.denied = {native(SYS_acct)};
		Writes writes{};
		writes.at_start = job.output.version(); // the previous pass's file is replaced
		FakeSource source(rec, s.profiles() / "app.json");
		CHECK(end_recording(job, source, writes, "init exit", s.files) == 0);
		CHECK(allowed_names(s.profiles() / "app.json").count("acct") == (allow ? 1 : 0));
		std::ifstream report(s.profiles() / "app.report.json");
		CHECK(nlohmann::json::parse(report).dump().find("acct") != std::string::npos);
	}
}

TEST_CASE("refusals under filters the workload stacked: the container's stay denied, the workload's go apart",
	  "[recording_end]")
{
	Scratch s;
	// The container's filter: EPERM by default, ENOSYS for clone3 by a rule,
	// personality by its argument.
	ContainerFilter filter(nlohmann::json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO",
		"syscalls": [{"names": ["getpid", "getppid", "acct"], "action": "SCMP_ACT_ALLOW"},
			     {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
			     {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
			      "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]})"));
	auto bit = [](int e) { return uint64_t{1} << e; };
	for (bool allow : {false, true}) {
		RecordingJob job = s.job(allow, filter);
		Recorded rec = ran({native(SYS_getpid)});
		rec.stacked = {
			{native(SYS_getppid), {bit(ENOSYS), false}},    // allowed by the container's: the workload's
			{native(SYS_acct), {0, true}},                  // allowed by the container's, killed: the workload's
			{native(SYS_clone3), {bit(EPERM), false}},      // the container's answers ENOSYS: the workload's
			{native(SYS_sethostname), {bit(EPERM), false}}, // the container's default answer: its
			{native(SYS_personality), {bit(EACCES), false}}, // depends on arguments: the container's
			{native(SYS_setns), {0, true}},                 // the container's does not kill: the workload's
		};
		Writes writes{};
		writes.at_start = job.output.version();
		FakeSource source(rec, s.profiles() / "app.json");
		CHECK(end_recording(job, source, writes, "init exit", s.files) == 0);
		std::ifstream in(s.profiles() / "app.report.json");
		nlohmann::json report = nlohmann::json::parse(in);
		CHECK(report["workloadDenied"]["SCMP_ARCH_X86_64"] ==
		      nlohmann::json::parse(R"(["acct", "clone3", "getppid", "setns"])"));
		CHECK(report["denied"]["SCMP_ARCH_X86_64"] == nlohmann::json::parse(R"(["personality", "sethostname"])"));
		CHECK(report["killed"].empty());
		std::set<std::string> allowed = allowed_names(s.profiles() / "app.json");
		CHECK(allowed.count("sethostname") == (allow ? 1 : 0));
		CHECK(allowed.count("getppid") == 0); // --allow-denied adds the container's refusals only
		CHECK(allowed.count("clone3") == 0);
	}
}

TEST_CASE("without the container's filter known, every refusal is the container's", "[recording_end]")
{
	Scratch s;
	RecordingJob job = s.job();
	Recorded rec = ran({native(SYS_getpid)});
	rec.stacked = {{native(SYS_getppid), {uint64_t{1} << ENOSYS, false}}, {native(SYS_acct), {0, true}}};
	Writes writes{};
	FakeSource source(rec, s.profiles() / "app.json");
	CHECK(end_recording(job, source, writes, "init exit", s.files) == 0);
	std::ifstream in(s.profiles() / "app.report.json");
	nlohmann::json report = nlohmann::json::parse(in);
	CHECK(report["denied"]["SCMP_ARCH_X86_64"] == nlohmann::json::parse(R"(["getppid"])"));
	CHECK(report["killed"]["SCMP_ARCH_X86_64"] == nlohmann::json::parse(R"(["acct"])"));
	CHECK(report["workloadDenied"].empty());
}

TEST_CASE("a profile its file does not take is saved where the log says", "[recording_end]")
{
	Scratch s;
	RecordingJob job = s.job();
	Writes writes{};
	FakeSource source(ran({native(SYS_getpid)}), s.profiles() / "app.json");
	// The output's directory is gone: its write fails.
	fs::remove_all(s.profiles());
	CHECK(end_recording(job, source, writes, "init exit", s.files) == 1);
	std::vector<fs::path> saved;
	for (const auto& entry : fs::directory_iterator(s.files.unwritten_dir))
		saved.push_back(entry.path());
	REQUIRE(saved.size() == 1);
	CHECK(saved[0].filename() == std::to_string(::getpid()) + "-app.json");
	CHECK(allowed_names(saved[0]).count("getpid"));
}
