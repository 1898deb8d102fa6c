// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "service/protocol.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <vector>

#include "base/error.h"
#include "base/json_text.h"

namespace {

constexpr int kVersion = 1;

// Waits until `conn` is readable; throws at `deadline`.
void wait_readable(int conn, std::chrono::steady_clock::time_point deadline, const char* what)
{
	for (;;) {
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
		if (left.count() <= 0)
			throw Error(std::string(what) + ": nothing came in time");
		struct pollfd p = {conn, POLLIN, 0};
		int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), INT_MAX)));
		if (n > 0)
			return;
		if (n < 0 && errno != EINTR)
			throw_errno(std::string("poll ") + what);
	}
}

} // namespace

std::string render_request(const ServiceRequest& req)
{
	if (req.op == ServiceRequest::Op::status)
		return nlohmann::ordered_json{{"version", kVersion}, {"op", "status"}}.dump();
	nlohmann::ordered_json j = {{"version", kVersion}, {"op", "record"}, {"state", req.state}};
	if (req.seccomp)
		j["seccomp"] = *req.seccomp;
	return j.dump();
}

ServiceRequest parse_request(std::string_view text)
{
	nlohmann::json j = parse_json(text, "request");
	if (!j.is_object())
		throw Error("request is not a JSON object");
	auto version = j.find("version");
	if (version == j.end() || !version->is_number_integer() || version->get<long long>() != kVersion)
		throw Error("request is not of protocol version " + std::to_string(kVersion));
	auto op = j.find("op");
	if (op == j.end() || (*op != "record" && *op != "status"))
		throw Error("request's op is neither record nor status");
	for (const auto& [key, value] : j.items())
		if (key != "version" && key != "op" && (*op == "status" || (key != "state" && key != "seccomp")))
			throw Error("request has an unknown field " + key);
	if (*op == "status")
		return ServiceRequest{ServiceRequest::Op::status, "", std::nullopt};
	auto state = j.find("state");
	if (state == j.end() || !state->is_string())
		throw Error("request has no state");
	ServiceRequest req{ServiceRequest::Op::record, state->get<std::string>(), std::nullopt};
	if (auto seccomp = j.find("seccomp"); seccomp != j.end()) {
		if (!seccomp->is_null() && !seccomp->is_object())
			throw Error("request's seccomp is neither null nor an object");
		req.seccomp = *seccomp;
	}
	return req;
}

void send_request(int conn, std::string_view text, int dir)
{
	char control[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = {const_cast<char*>(text.data()), text.size()};
	struct msghdr msg = {};
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (dir >= 0) {
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		struct cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		std::memcpy(CMSG_DATA(cmsg), &dir, sizeof(int));
	}
	ssize_t sent;
	while ((sent = ::sendmsg(conn, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
	}
	if (sent < 0)
		throw_errno("send the request");
	text.remove_prefix(static_cast<size_t>(sent));
	while (!text.empty()) {
		ssize_t n = ::send(conn, text.data(), text.size(), MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw_errno("send the request");
		text.remove_prefix(static_cast<size_t>(n));
	}
	::shutdown(conn, SHUT_WR);
}

ReceivedRequest receive_request(int conn, std::chrono::steady_clock::time_point deadline)
{
	ReceivedRequest got;
	char buf[64 << 10];
	for (;;) {
		wait_readable(conn, deadline, "request");
		// Room for one descriptor: the kernel closes those that do not fit
		// and says so (MSG_CTRUNC), so none stays open here.
		char control[CMSG_SPACE(sizeof(int))] = {};
		struct iovec iov = {buf, sizeof(buf)};
		struct msghdr msg = {};
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		ssize_t n = ::recvmsg(conn, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			throw_errno("read the request");
		std::vector<UniqueFd> fds; // all owned before any is judged: none leaks
		bool other = false;
		for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
				other = true;
				continue;
			}
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); ++i) {
				int fd;
				std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				fds.emplace_back(fd);
			}
		}
		if (other)
			throw Error("request carries something other than a descriptor");
		if ((msg.msg_flags & MSG_CTRUNC) || fds.size() > 1 || (!fds.empty() && (got.dir || !got.text.empty())))
			throw Error("request carries more than the one directory descriptor, or carries it late");
		if (!fds.empty())
			got.dir = std::move(fds.front());
		if (n == 0)
			break;
		got.text.append(buf, static_cast<size_t>(n));
		if (got.text.size() > kMaxRequestBytes)
			throw Error("request is larger than " + std::to_string(kMaxRequestBytes) + " bytes");
	}
	return got;
}

std::string receive_answer(int conn, std::chrono::steady_clock::time_point deadline)
{
	std::string line;
	char buf[4096];
	while (line.find('\n') == std::string::npos && line.size() < kMaxRequestBytes) {
		wait_readable(conn, deadline, "the recording service's answer");
		ssize_t n = ::recv(conn, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			throw_errno("read the recording service's answer");
		if (n == 0)
			break;
		line.append(buf, static_cast<size_t>(n));
	}
	line = line.substr(0, line.find('\n'));
	if (line.empty())
		throw Error("the recording service closed the connection without an answer");
	return line;
}
