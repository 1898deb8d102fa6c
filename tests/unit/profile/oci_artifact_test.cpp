// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.h"
#include "profile/oci_artifact.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

struct Layout {
	Layout()
	{
		std::string tmpl = (fs::temp_directory_path() / "oci-artifact-test.XXXXXX").string();
		REQUIRE(::mkdtemp(tmpl.data()));
		root = tmpl;
	}
	~Layout() { fs::remove_all(root); }
	std::string dir() const { return (root / "layout").string(); }
	std::string blob(const std::string& digest) const
	{
		std::ifstream in(root / "layout" / "blobs" / "sha256" / digest.substr(7));
		std::stringstream text;
		text << in.rdbuf();
		return text.str();
	}
	nlohmann::json json(const std::string& relative) const
	{
		std::ifstream in(root / "layout" / relative);
		return nlohmann::json::parse(in);
	}
	fs::path root;
};

const char* kProfile = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
	"syscalls": [{"names": ["write", "read"], "action": "SCMP_ACT_ALLOW", "comment": "", "args": []},
		     {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "comment": "AF_UNIX",
		      "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]})";

} // namespace

TEST_CASE("the artifact: an OCI manifest with the seccomp config media type and the profile as its one layer")
{
	Layout l;
	std::string profile = runtime_spec_profile(parse_ruleset(kProfile, "p"));
	std::string digest = write_oci_artifact(l.dir(), "v1", profile);
	CHECK(l.json("oci-layout") == nlohmann::json::parse(R"({"imageLayoutVersion": "1.0.0"})"));
	nlohmann::json index = l.json("index.json");
	REQUIRE(index["manifests"].size() == 1);
	CHECK(index["manifests"][0]["digest"] == digest);
	CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "v1");
	nlohmann::json manifest = nlohmann::json::parse(l.blob(digest));
	CHECK(manifest["artifactType"] == kSeccompArtifactType);
	CHECK(manifest["config"]["mediaType"] == kSeccompArtifactType);
	CHECK(l.blob(manifest["config"]["digest"]) == "{}");
	REQUIRE(manifest["layers"].size() == 1);
	CHECK(manifest["layers"][0]["mediaType"] == "application/json");
	CHECK(l.blob(manifest["layers"][0]["digest"]) == profile);
	CHECK(manifest["layers"][0]["size"] == profile.size());
	// The runtime spec's fields only: no comments, no empty fields.
	nlohmann::json layer = nlohmann::json::parse(profile);
	REQUIRE(layer["syscalls"].size() == 2);
	CHECK(layer["syscalls"][1] == nlohmann::json::parse(R"({"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"})"));
	CHECK(layer["syscalls"][0]["names"] == nlohmann::json::parse(R"(["socket"])"));
	CHECK_FALSE(layer["syscalls"][0].contains("comment"));
}

TEST_CASE("the same profile gives the same digest; a tag is replaced, other tags are kept")
{
	Layout l;
	std::string profile = runtime_spec_profile(parse_ruleset(kProfile, "p"));
	std::string first = write_oci_artifact(l.dir(), "v1", profile);
	write_oci_artifact(l.dir(), "v2", runtime_spec_profile(parse_ruleset(R"({"defaultAction": "SCMP_ACT_ERRNO"})", "q")));
	CHECK(write_oci_artifact(l.dir(), "v1", profile) == first);
	nlohmann::json index = l.json("index.json");
	REQUIRE(index["manifests"].size() == 2);
	CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "v2");
	CHECK(index["manifests"][1]["digest"] == first);
}

TEST_CASE("what the runtime spec's format cannot say, a bad tag or a broken index is refused")
{
	CHECK_THROWS_WITH(runtime_spec_profile(parse_ruleset(
				  R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["bpf"], "action": "SCMP_ACT_ALLOW",
				      "includes": {"caps": ["CAP_SYS_ADMIN"]}}]})",
				  "p")),
			  Contains("the runtime spec's format has no includes"));
	CHECK_THROWS_WITH(runtime_spec_profile(parse_ruleset(R"({"defaultAction": "SCMP_ACT_NOTIFY"})", "p")),
			  Contains("SCMP_ACT_NOTIFY"));
	CHECK_THROWS_WITH(runtime_spec_profile(parse_ruleset(
				  R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]})", "p")),
			  Contains("has no archMap"));
	Layout l;
	for (const char* tag : {"", "bad tag", ".dot", "a/b"})
		CHECK_THROWS_WITH(write_oci_artifact(l.dir(), tag, "{}"), Contains("is not a tag"));
	CHECK_THROWS_WITH(write_oci_artifact(l.dir(), "v1", std::string(2 << 20, ' ')), Contains("runtimes refuse"));
	fs::create_directories(l.dir());
	std::ofstream(fs::path(l.dir()) / "index.json") << "[]";
	CHECK_THROWS_WITH(write_oci_artifact(l.dir(), "v1", "{}"), Contains("is not an OCI image index"));
}
