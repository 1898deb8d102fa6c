// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.h"
#include "oci/bundle.h"
#include "oci/hooks_d.h"

using Catch::Matchers::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A bundle and a hooks dir in a temp dir of their own.
struct Fixture {
	fs::path root;
	fs::path bundle;
	fs::path hooks;

	Fixture()
	{
		char tmpl[] = "/tmp/bundle-test.XXXXXX";
		root = ::mkdtemp(tmpl);
		bundle = root / "bundle";
		hooks = root / "hooks";
		fs::create_directories(bundle);
		fs::create_directories(hooks);
		write(hooks / kHooksJsonName, R"({"version":"1.0.0",
			"hook":{"path":"/usr/libexec/oci/hooks.d/oci-seccomp-recorder","args":["oci-seccomp-recorder","--profile-dir","/p"]},
			"when":{"annotations":{"^io\\.containers\\.trace-syscall(/.+)?$":".+"}},"stages":["prestart"]})");
	}
	~Fixture() { fs::remove_all(root); }

	static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
	std::string config() const
	{
		std::stringstream s;
		s << std::ifstream(bundle / "config.json").rdbuf();
		return s.str();
	}
	BundleEdit edit(const std::string& config_text)
	{
		write(bundle / "config.json", config_text);
		return add_recording_hook(bundle, {hooks});
	}
};

} // namespace

TEST_CASE("an annotated bundle gets our hook, everything else kept", "[bundle]")
{
	Fixture f;
	std::string config = R"({"ociVersion":"1.0.2","process":{"args":["/bin/sh"]},"zeta":1,"alpha":{"b":2,"a":[18446744073709551615,-5]},)"
			     R"("hooks":{"prestart":[{"path":"/other"}],"poststop":[{"path":"/x"}]},)"
			     R"("annotations":{"io.containers.trace-syscall":"of:a.json"}})";
	::chmod((f.bundle).c_str(), 0755);
	CHECK(f.edit(config) == BundleEdit::kAdded);
	json out = json::parse(f.config());
	json in = json::parse(config);
	CHECK(out["hooks"]["prestart"].size() == 2);
	CHECK(out["hooks"]["prestart"][0] == in["hooks"]["prestart"][0]);
	CHECK(out["hooks"]["prestart"][1]["path"] == "/usr/libexec/oci/hooks.d/oci-seccomp-recorder");
	CHECK(out["hooks"]["prestart"][1]["args"] == json({"oci-seccomp-recorder", "--profile-dir", "/p"}));
	out["hooks"]["prestart"].erase(1);
	CHECK(out == in);
	// Key order and big numbers survive.
	CHECK(f.config().find("\"zeta\"") < f.config().find("\"alpha\""));
	CHECK(f.config().find("18446744073709551615") != std::string::npos);
	// Twice is once.
	CHECK(add_recording_hook(f.bundle, {f.hooks}) == BundleEdit::kAlreadyThere);
	// No temp file left.
	CHECK(std::distance(fs::directory_iterator(f.bundle), fs::directory_iterator()) == 1);
}

TEST_CASE("the config's mode is kept", "[bundle]")
{
	Fixture f;
	Fixture::write(f.bundle / "config.json", R"({"annotations":{"io.containers.trace-syscall":"of:a.json"}})");
	::chmod((f.bundle / "config.json").c_str(), 0600);
	CHECK(add_recording_hook(f.bundle, {f.hooks}) == BundleEdit::kAdded);
	struct stat st;
	REQUIRE(::stat((f.bundle / "config.json").c_str(), &st) == 0);
	CHECK((st.st_mode & 07777) == 0600);
}

TEST_CASE("a bundle that does not ask is never touched, whatever else is wrong", "[bundle]")
{
	Fixture f;
	fs::remove(f.hooks / kHooksJsonName); // would fail a container that asks
	for (const char* config : {R"({"annotations":{"other":"x"}})", R"({"annotations":{"io.containers.trace-syscall/web":"of:w.json"}})",
				   R"({"annotations":{"io.containers.trace-syscall":"of:a.json","io.kubernetes.cri.container-type":"sandbox"}})",
				   R"({})", "not json", "[]", R"({"annotations":[1]})"}) {
		CHECK(f.edit(config) == BundleEdit::kNotAsked);
		CHECK(f.config() == config);
	}
	fs::remove(f.bundle / "config.json");
	CHECK(add_recording_hook(f.bundle, {f.hooks}) == BundleEdit::kNotAsked); // runc says what is missing
}

TEST_CASE("the hooks.d entry's when decides, as podman would", "[bundle]")
{
	Fixture f;
	// The annotation is there but empty: podman would not run the hook either.
	CHECK(f.edit(R"({"annotations":{"io.containers.trace-syscall":""}})") == BundleEdit::kNotAsked);
	Fixture::write(f.hooks / kHooksJsonName, R"({"version":"1.0.0","hook":{"path":"/h","timeout":5},
		"when":{"annotations":{"trace-syscall$":"."},"commands":["sh$"]},"stages":["prestart","createRuntime"]})");
	CHECK(f.edit(R"({"process":{"args":["/bin/true"]},"annotations":{"io.containers.trace-syscall":"of:a.json"}})") ==
	      BundleEdit::kNotAsked);
	CHECK(f.edit(R"({"process":{"args":["/bin/sh"]},"annotations":{"io.containers.trace-syscall":"of:a.json"}})") ==
	      BundleEdit::kAdded);
	json out = json::parse(f.config());
	CHECK(out["hooks"]["prestart"] == json::parse(R"([{"path":"/h","timeout":5}])"));
	CHECK(out["hooks"]["createRuntime"] == json::parse(R"([{"path":"/h","timeout":5}])"));
}

TEST_CASE("every annotation pair of when must match, as podman's 1.0.0 hooks require", "[bundle]")
{
	Fixture f;
	Fixture::write(f.hooks / kHooksJsonName, R"({"version":"1.0.0","hook":{"path":"/h"},
		"when":{"annotations":{"^io\\.containers\\.trace-syscall$":".+","^team$":"^a$"}},"stages":["prestart"]})");
	// One pair of two: podman runs no hook.
	CHECK(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"}})") == BundleEdit::kNotAsked);
	CHECK(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json","team":"b"}})") == BundleEdit::kNotAsked);
	CHECK(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json","team":"a"}})") == BundleEdit::kAdded);
	// "or" is no field of a 1.0.0 entry (podman reads it from 0.1.0 ones only).
	Fixture::write(f.hooks / kHooksJsonName, R"({"version":"1.0.0","hook":{"path":"/h"},"when":{"or":true,
		"annotations":{"^io\\.containers\\.trace-syscall$":".+","^team$":"^a$"}},"stages":["prestart"]})");
	CHECK(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"}})") == BundleEdit::kNotAsked);
	// No condition that matched: no hook.
	Fixture::write(f.hooks / kHooksJsonName,
		       R"({"version":"1.0.0","hook":{"path":"/h"},"when":{"annotations":{}},"stages":["prestart"]})");
	CHECK(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"}})") == BundleEdit::kNotAsked);
}

TEST_CASE("a container that asks and cannot be given the hook is refused with the reason", "[bundle]")
{
	Fixture f;
	CHECK_THROWS_WITH(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"},"hooks":[]})"),
			  Contains("hooks is not an object"));
	CHECK_THROWS_WITH(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"},"hooks":{"prestart":{}}})"),
			  Contains("hooks.prestart is not an array"));
	CHECK_THROWS_WITH(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"})"),
			  Contains("is not a JSON object of at most 64 levels: cannot add the recording hook"));
	Fixture::write(f.hooks / kHooksJsonName, R"({"version":"1.0.0","hook":{"path":"/h"},"when":{"annotations":{"(":"."}},"stages":["prestart"]})");
	CHECK_THROWS_WITH(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"}})"), Contains("bad when pattern"));
	for (const char* entry : {"[]", R"({"version":"0.1.0"})", R"({"version":"1.0.0","hook":{}})",
				  R"({"version":"1.0.0","hook":{"path":"/h"},"when":{"always":true}})",
				  R"({"version":"1.0.0","hook":{"path":"/h"},"stages":["prestart"]})"}) {
		Fixture::write(f.hooks / kHooksJsonName, entry);
		CHECK_THROWS_AS(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"}})"), Error);
	}
	fs::remove(f.hooks / kHooksJsonName);
	CHECK_THROWS_WITH(f.edit(R"({"annotations":{"io.containers.trace-syscall":"of:a.json"}})"),
			  Contains("no oci-seccomp-recorder.json in " + f.hooks.string()));
}
