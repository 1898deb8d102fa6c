// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/file_lock.h"
#include "profile/profile_dir.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

// A scratch tree: root/profiles is the profile dir, root/outside is not.
struct Scratch {
	fs::path root;
	fs::path profiles;
	fs::path outside;
	Scratch()
	{
		std::string tmpl = (fs::temp_directory_path() / "profile-dir-test.XXXXXX").string();
		REQUIRE(::mkdtemp(tmpl.data()));
		root = tmpl;
		profiles = root / "profiles";
		outside = root / "outside";
		fs::create_directory(outside);
		std::ofstream(outside / "secret.json") << R"({"defaultAction":"SCMP_ACT_ERRNO"})";
	}
	~Scratch() { fs::remove_all(root); }
	// Every file below root, to prove a refusal wrote nothing.
	std::string listing() const
	{
		std::ostringstream out;
		for (const auto& e : fs::recursive_directory_iterator(root))
			out << e.path().string() << "\n";
		return out.str();
	}
};

std::string slurp(const fs::path& p)
{
	std::ifstream in(p);
	return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("profile dir is created 0700", "[profile_dir]")
{
	Scratch s;
	ProfileDir dir(s.profiles.string());
	struct stat st;
	REQUIRE(::stat(s.profiles.c_str(), &st) == 0);
	CHECK((st.st_mode & 07777) == 0700);
}

TEST_CASE("profile dir must be absolute", "[profile_dir]")
{
	CHECK_THROWS_WITH(ProfileDir("relative/dir"), Contains("not an absolute path"));
}

TEST_CASE("output is written atomically, mode 0644, below the dir", "[profile_dir]")
{
	Scratch s;
	ProfileDir dir(s.profiles.string());
	::umask(077);
	dir.output("app.json").write_atomically("one\n");
	dir.output((s.profiles / "app.json").string()).write_atomically("two\n");
	fs::create_directory(s.profiles / "team");
	dir.output("team/app.json").write_atomically("three\n");
	::umask(022);

	CHECK(slurp(s.profiles / "app.json") == "two\n");
	CHECK(slurp(s.profiles / "team" / "app.json") == "three\n");
	struct stat st;
	REQUIRE(::stat((s.profiles / "app.json").c_str(), &st) == 0);
	CHECK((st.st_mode & 07777) == 0644);
	// No temp file is left behind.
	size_t files = 0;
	for (const auto& e : fs::recursive_directory_iterator(s.profiles))
		files += e.is_regular_file();
	CHECK(files == 2);
}

TEST_CASE("input is read from below the dir", "[profile_dir]")
{
	Scratch s;
	ProfileDir dir(s.profiles.string());
	std::ofstream(s.profiles / "base.json") << "{}";
	CHECK(dir.read("base.json", 100) == "{}");
	CHECK(dir.read((s.profiles / "base.json").string(), 100) == "{}");
	CHECK_THROWS_WITH(dir.read("base.json", 1), Contains("larger than"));
	CHECK_THROWS_WITH(dir.read("missing.json", 100), Contains("No such file"));
}

TEST_CASE("paths that leave the profile dir are refused and nothing is written", "[profile_dir]")
{
	Scratch s;
	ProfileDir dir(s.profiles.string());
	fs::create_symlink(s.outside, s.profiles / "link-dir");
	fs::create_symlink(s.outside / "secret.json", s.profiles / "link.json");
	fs::create_symlink(s.outside / "new.json", s.profiles / "dangling.json");
	fs::create_directory(s.profiles / "sub.json");
	REQUIRE(::mkfifo((s.profiles / "fifo.json").c_str(), 0600) == 0);
	std::string before = s.listing();

	auto refuses = [&](const std::string& path, const std::string& why) {
		INFO(path);
		CHECK_THROWS_WITH(dir.output(path), Contains(why));
		CHECK_THROWS_WITH(dir.read(path, 4096), Contains(why));
	};
	refuses("../outside/secret.json", "'..'");
	refuses("a/../../outside/x.json", "'..'");
	refuses((s.outside / "secret.json").string(), "outside the profile dir");
	refuses(s.profiles.string() + "-evil/x.json", "outside the profile dir");
	refuses("/etc/passwd", "outside the profile dir");
	refuses("link-dir/secret.json", "symlink");
	refuses("./app.json", "'.'");
	refuses("a//b.json", "empty");
	refuses(std::string(NAME_MAX + 1, 'n'), "NAME_MAX");
	refuses(std::string(PATH_MAX, 'p'), "PATH_MAX");
	// Only A-Z a-z 0-9 . _ - in a name: what lands in logs and scripts.
	for (const char* name : {"x\n2026-01-01T00:00:00Z [1] error: forged.json", "a b.json", "caf\xc3\xa9.json",
				 "$(reboot).json", "dir;x/a.json", "a\x1b[31m.json"})
		refuses(name, "has a character other than A-Z a-z 0-9 . _ -");
	CHECK_NOTHROW(dir.output("Web_App-2.v2.json"));

	// Names that exist below the dir but are not regular files.
	CHECK_THROWS_WITH(dir.output("link.json"), Contains("is a symlink"));
	CHECK_THROWS_WITH(dir.output("dangling.json"), Contains("is a symlink"));
	CHECK_THROWS_WITH(dir.output("sub.json"), Contains("is a directory"));
	CHECK_THROWS_WITH(dir.output("fifo.json"), Contains("is a FIFO"));
	CHECK_THROWS_WITH(dir.read("link.json", 4096), Contains("symlink"));
	CHECK_THROWS_WITH(dir.read("sub.json", 4096), Contains("is a directory"));
	CHECK_THROWS_WITH(dir.read("fifo.json", 4096), Contains("is a FIFO"));
	CHECK_THROWS_WITH(dir.output("/dev/null"), Contains("outside the profile dir"));

	CHECK(s.listing() == before);
	CHECK(slurp(s.outside / "secret.json") == R"({"defaultAction":"SCMP_ACT_ERRNO"})");
}

TEST_CASE("a profile dir reached through a symlink swap keeps writing below the opened dir", "[profile_dir]")
{
	Scratch s;
	ProfileDir dir(s.profiles.string());
	OutputFile out = dir.output("app.json");
	// After validation, the directory is replaced by a symlink to elsewhere.
	fs::rename(s.profiles, s.root / "moved");
	fs::create_symlink(s.outside, s.profiles);
	out.write_atomically("x\n");
	CHECK(slurp(s.root / "moved" / "app.json") == "x\n");
	CHECK_FALSE(fs::exists(s.outside / "app.json"));
}

TEST_CASE("another's write is told from the start's version and one's own by identity, not by clock", "[profile_dir]")
{
	Scratch s;
	ProfileDir dir(s.profiles.string());
	OutputFile out = dir.output("app.json");
	OutputFile other = dir.output("app.json");
	CHECK_FALSE(out.version());

	// No file at the start: whatever is there later is another's, however
	// soon after the start it was written (within one clock tick, too).
	other.write_atomically("theirs\n");
	CHECK(out.read_unless({nullptr, nullptr}, 1024) == "theirs\n");

	// A file at the start is not another's write until it is replaced.
	std::optional<FileVersion> start = out.version();
	REQUIRE(start);
	CHECK_FALSE(out.read_unless({&*start, nullptr}, 1024));
	FileVersion own = out.write_atomically("mine\n");
	CHECK_FALSE(out.read_unless({&*start, &own}, 1024));
	// Replaced again and again: while the versions compared are held open,
	// no new file can take their inode numbers.
	for (int i = 0; i < 50; ++i) {
		other.write_atomically("theirs " + std::to_string(i) + "\n");
		CHECK(out.read_unless({&*start, &own}, 1024) == "theirs " + std::to_string(i) + "\n");
	}
}

TEST_CASE("writers of one file take turns; another file's lock is another byte", "[profile_dir]")
{
	Scratch s;
	ProfileDir dir(s.profiles.string());
	std::string locks = (s.root / "profiles.lock").string();
	struct stat st;
	REQUIRE(::stat(s.profiles.c_str(), &st) == 0);
	off_t a = FileLock::offset_of(st.st_dev, st.st_ino, "a.json");
	off_t b = FileLock::offset_of(st.st_dev, st.st_ino, "b.json");
	CHECK(a != b);
	CHECK(a >= 0);

	// Who holds the byte at `offset`, as another open file description
	// sees it: F_WRLCK while a lock is held there.
	auto held = [&](off_t offset) {
		UniqueFd fd(::open(locks.c_str(), O_RDWR | O_CLOEXEC));
		REQUIRE(fd);
		struct flock probe = {};
		probe.l_type = F_WRLCK;
		probe.l_whence = SEEK_SET;
		probe.l_start = offset;
		probe.l_len = 1;
		REQUIRE(::fcntl(fd.get(), F_OFD_GETLK, &probe) == 0);
		return probe.l_type == F_WRLCK;
	};
	{
		FileLock lock = dir.output("a.json").lock(locks);
		CHECK(held(a));
		CHECK_FALSE(held(b)); // a writer of b.json does not wait
	}
	CHECK_FALSE(held(a));
}
