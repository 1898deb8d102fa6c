// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The recording service's protocol, both ends. A caller connects to the
// service's stream socket and sends one request, a JSON object, then shuts
// down its sending side. To record, the request carries the caller's
// profile directory, open, attached (SCM_RIGHTS) to its first bytes, and the
// service answers with one line, "ready" once the container is recorded or
// "error: REASON". To see the caller's recordings, it carries nothing else,
// and the answer is a line of JSON (status --json's) or "error: REASON". Nothing in the request is taken on trust: who asks comes from the
// socket, what may be written from the directory's permissions.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/fd.h"

// Where the package's socket unit listens.
inline constexpr const char* kServiceSocket = "/run/oci-seccomp-recorder.sock";

// The OCI state (at most 1 MiB) and the container's seccomp section.
inline constexpr size_t kMaxRequestBytes = 4 << 20;

struct ServiceRequest {
	enum class Op { record, status } op = Op::record;
	std::string state; // record: the OCI state JSON, as the runtime gave it to the hook
	// config.json's linux.seccomp (null: none); absent: not known
	std::optional<nlohmann::json> seccomp;
};

std::string render_request(const ServiceRequest& req);
// Refuses anything render_request did not write.
ServiceRequest parse_request(std::string_view text);

// A request as it arrived: its text and the one directory attached, if any.
struct ReceivedRequest {
	std::string text;
	UniqueFd dir;
};

// Sends `text` with `dir` attached (none if it is -1), then shuts down
// sending.
void send_request(int conn, std::string_view text, int dir);
// Reads one request until the caller shuts down its side, by `deadline`.
// Refuses more than kMaxRequestBytes, and descriptors other than one
// attached to the first bytes.
ReceivedRequest receive_request(int conn, std::chrono::steady_clock::time_point deadline);
// The service's answer line (at most kMaxRequestBytes) by `deadline`;
// throws if there is none.
std::string receive_answer(int conn, std::chrono::steady_clock::time_point deadline);
