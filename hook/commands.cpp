#include "commands.h"

#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <vector>

#include "error.h"
#include "profile_dir.h"
#include "ruleset.h"
#include "seccompprofile.h"

namespace {

// Far above any real profile (Docker's default is 25 KiB).
constexpr size_t kMaxProfileBytes = 64 << 20;

RuleSet read_ruleset(const std::string& path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		throw_errno("open " + path);
	std::string text;
	char chunk[1 << 16];
	while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
		text.append(chunk, static_cast<size_t>(in.gcount()));
		if (text.size() > kMaxProfileBytes)
			throw Error(path + " is larger than " + std::to_string(kMaxProfileBytes) + " bytes");
	}
	if (in.bad())
		throw_errno("read " + path);
	return parse_ruleset(text, path);
}

void write_output(const std::string& path, const std::string& data)
{
	if (path.empty()) {
		if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size() || std::fflush(stdout) != 0)
			throw_errno("write standard output");
		return;
	}
	size_t slash = path.find_last_of('/');
	std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
	int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		throw_errno("open directory " + dir);
	OutputFile(UniqueFd(fd), path.substr(slash + 1), path).write_atomically(data);
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

int merge_command(int argc, char** argv)
{
	return run_command("merge", 1, [&] {
		static const struct option longopts[] = {
			{"output", required_argument, nullptr, 'o'},
			{"seccompprofile", required_argument, nullptr, 's'},
			{nullptr, 0, nullptr, 0},
		};
		std::string output;
		std::optional<std::string> resource;
		optind = 1;
		opterr = 0; // our usage line is the one line of error
		for (int c; (c = getopt_long(argc, argv, "o:", longopts, nullptr)) != -1;) {
			if (c == 'o')
				output = optarg;
			else if (c == 's')
				resource = optarg;
			else
				throw Error(std::string("bad option '") + argv[optind - 1] +
					    "'; usage: oci-seccomp-recorder merge [--output FILE] [--seccompprofile NAME] PROFILE...");
		}
		if (optind == argc)
			throw Error("no profiles to merge");
		RuleSet all = read_ruleset(argv[optind]);
		for (int i = optind + 1; i < argc; ++i)
			merge_ruleset(all, read_ruleset(argv[i]), argv[i]);
		if (resource) {
			std::string valid = resource_name(*resource);
			if (valid != *resource)
				throw Error("'" + *resource + "' is not a resource name (a-z, 0-9 and '-'): '" + valid +
					    "' would be");
		}
		write_output(output, resource ? render_seccompprofile(all, *resource) : render_ruleset(all));
		return 0;
	});
}

int diff_command(int argc, char** argv)
{
	// Like diff(1): 0 the same, 1 different, 2 trouble.
	return run_command("diff", 2, [&] {
		if (argc != 3)
			throw Error("usage: oci-seccomp-recorder diff OLD NEW");
		std::vector<std::string> lines = diff_rulesets(read_ruleset(argv[1]), read_ruleset(argv[2]));
		std::string out;
		for (const std::string& line : lines)
			out += line + "\n";
		write_output("", out);
		return lines.empty() ? 0 : 1;
	});
}
