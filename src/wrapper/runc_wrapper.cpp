// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// oci-seccomp-recorder's runc wrapper, for runtimes that read no hooks.d
// (containerd, through its runc shim's BinaryName): on `create` and `run` it
// adds our hook to the bundle's config.json when the container asks to be
// recorded, then execs the real runc with the same argv, stdio and
// environment, so exit status and signals are runc's own.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/error.h"
#include "oci/bundle.h"
#include "oci/hooks_d.h"
#include "oci/runc_args.h"

namespace {

bool same_file(const struct stat& a, const struct stat& b)
{
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// $OCI_SECCOMP_RECORDER_RUNTIME, else the first runc on PATH that is not
// this wrapper (which may be on PATH as runc itself).
std::string real_runtime()
{
	if (const char* runtime = std::getenv("OCI_SECCOMP_RECORDER_RUNTIME"); runtime && *runtime)
		return runtime;
	struct stat self;
	if (::stat("/proc/self/exe", &self) < 0)
		throw_errno("stat /proc/self/exe");
	const char* path = std::getenv("PATH");
	std::string dirs = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	size_t start = 0;
	for (;;) {
		size_t end = dirs.find(':', start);
		std::string dir = dirs.substr(start, end == std::string::npos ? end : end - start);
		std::string candidate = (dir.empty() ? "." : dir) + "/runc";
		struct stat st;
		if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && !same_file(st, self) &&
		    ::access(candidate.c_str(), X_OK) == 0)
			return candidate;
		if (end == std::string::npos)
			break;
		start = end + 1;
	}
	throw Error("no runc on PATH but this wrapper; set OCI_SECCOMP_RECORDER_RUNTIME");
}

// One line on stderr, and in runc's log, where containerd looks for why.
int fail(const RuncArgs& args, const std::string& why, int status)
{
	std::string message = "oci-seccomp-recorder runc wrapper: " + why;
	std::fprintf(stderr, "%s\n", message.c_str());
	log_runc_error(args, message);
	return status;
}

} // namespace

int main(int argc, char** argv)
{
	RuncArgs args = parse_runc_args({argv, argv + argc});
	std::string runtime;
	try {
		runtime = real_runtime();
		if (args.bundle)
			add_recording_hook(*args.bundle, hooks_dirs());
	} catch (const std::exception& e) {
		return fail(args, e.what(), runtime.empty() ? 127 : 1);
	}
	::execv(runtime.c_str(), argv);
	return fail(args, "exec " + runtime + ": " + std::strerror(errno), 127);
}
