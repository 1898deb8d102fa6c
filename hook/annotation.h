// The io.containers.trace-syscall annotation, in the form oci-seccomp-bpf-hook
// reads: "of:OUTPUT" and optionally "if:INPUT", separated by ';'.
#pragma once

#include <optional>
#include <string>
#include <string_view>

inline constexpr std::string_view kAnnotation = "io.containers.trace-syscall";

struct Request {
	std::string output;               // of: the profile to write
	std::optional<std::string> input; // if: a profile whose allowed syscalls are merged in
};

Request parse_annotation(std::string_view value);
