// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The io.containers.trace-syscall annotation, in the form oci-seccomp-bpf-hook
// reads: "of:OUTPUT" and optionally "if:INPUT", separated by ';'; ours also
// takes "args:on" or "args:off" (argument rules for this recording, whatever
// --arg-rules says), and "denied:allow" or "denied:list" (whether what the
// container's filter denied goes into this profile, whatever --allow-denied
// says: the step that grows a profile by what a run under it was denied).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

inline constexpr std::string_view kAnnotation = "io.containers.trace-syscall";

struct Request {
	std::string output;               // of: the profile to write
	std::optional<std::string> input; // if: a profile whose allowed syscalls are merged in
	std::optional<bool> arg_rules;    // args: on or off
	std::optional<bool> allow_denied; // denied: allow or list
};

Request parse_annotation(std::string_view value);

struct SelectedAnnotation {
	std::string key;
	std::string value;
};

// The annotation that asks to record this container, if any. Kubernetes
// annotates pods, not containers, and CRI-O and containerd copy a pod's
// annotations to each of its containers, so a pod names its containers in the
// key: io.containers.trace-syscall/<container-name> (CRI-O also rewrites that
// to the plain key on the container it names; containerd does not). The form
// naming this container wins over the plain one; a pod's infra (sandbox)
// container is never recorded.
std::optional<SelectedAnnotation> select_annotation(const std::map<std::string, std::string>& annotations);

// A pod container's name, as CRI-O or containerd gives it; none elsewhere.
std::optional<std::string> container_name(const std::map<std::string, std::string>& annotations);

// The Kubernetes namespace of a pod's container, from what its runtime sets
// (CRI-O's io.kubernetes.cri-o.Namespace, containerd's
// io.kubernetes.cri.sandbox-namespace; pods cannot set these, as neither
// runtime passes pod annotations of those names through): each namespace's
// profiles live in a directory of their own. None outside Kubernetes.
// Refuses a value that is not a namespace name (a DNS label).
std::optional<std::string> tenant_of(const std::map<std::string, std::string>& annotations);
