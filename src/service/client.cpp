// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "service/client.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstdlib>
#include <cstring>
#include <system_error>

#include "base/error.h"
#include "base/fd.h"
#include "base/json_text.h"
#include "oci/bundle.h"
#include "service/protocol.h"

namespace {

// mkdir -p, each directory it creates 0700 (XDG's mode for its own).
void make_dirs(const std::string& path)
{
	for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
		std::string dir = path.substr(0, slash);
		if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST)
			throw_errno("create profile dir " + dir);
		if (slash == std::string::npos)
			return;
	}
}

UniqueFd connect_to(const std::string& path)
{
	struct sockaddr_un addr = {};
	addr.sun_family = AF_UNIX;
	if (path.size() >= sizeof(addr.sun_path))
		throw Error("recording service socket path " + path + " is too long");
	std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
	UniqueFd conn(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	if (!conn)
		throw_errno("create socket");
	if (::connect(conn.get(), reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			throw Error("the recording service is not running (nothing listens on " + path +
				    "): the package's oci-seccomp-recorder.socket starts it");
		throw_errno("connect to the recording service at " + path);
	}
	return conn;
}

// Sends the request and reads the answer. A service that refuses at once
// (the cap) answers and closes before it reads the request: the send then
// fails, and the answer says why.
std::string exchange(int conn, const std::string& request, int dir, std::chrono::steady_clock::time_point deadline)
{
	try {
		send_request(conn, request, dir);
	} catch (const std::system_error& e) {
		if (e.code().value() != EPIPE && e.code().value() != ECONNRESET)
			throw;
		try {
			return receive_answer(conn, deadline);
		} catch (const std::exception&) {
			throw e;
		}
	}
	return receive_answer(conn, deadline);
}

} // namespace

std::string user_profile_dir()
{
	const char* data = std::getenv("XDG_DATA_HOME");
	if (data && data[0] == '/')
		return std::string(data) + "/oci-seccomp-profiles";
	const char* home = std::getenv("HOME");
	if (home && home[0] == '/')
		return std::string(home) + "/.local/share/oci-seccomp-profiles";
	throw Error("no profile dir for this user: neither XDG_DATA_HOME nor HOME is an absolute path");
}

void request_recording(const std::string& state_json, const std::string& bundle, const std::string& profile_dir,
		       const std::string& socket, std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	make_dirs(profile_dir);
	UniqueFd dir(::open(profile_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!dir)
		throw_errno("open profile dir " + profile_dir);
	// Read as this user: the service opens nothing a caller names.
	ServiceRequest req{ServiceRequest::Op::record, state_json, seccomp_config(bundle)};
	UniqueFd conn = connect_to(socket);
	std::string answer = exchange(conn.get(), render_request(req), dir.get(), deadline);
	if (answer == "ready")
		return;
	if (answer.rfind("error: ", 0) == 0)
		throw Error(answer.substr(7));
	throw Error("the recording service answered '" + answer + "'");
}

nlohmann::json request_status(const std::string& socket, std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	UniqueFd conn = connect_to(socket);
	std::string answer = exchange(conn.get(), render_request({ServiceRequest::Op::status, "", std::nullopt}), -1, deadline);
	if (answer.rfind("error: ", 0) == 0)
		throw Error(answer.substr(7));
	std::optional<nlohmann::json> list = try_parse_json(answer);
	if (!list || !list->is_array())
		throw Error("the recording service answered with something other than a list of recordings");
	return *list;
}
