// Seccomp profiles in the JSON form podman, docker, CRI-O and Kubernetes'
// localhost/ profiles read.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

inline constexpr size_t kMaxInputProfileBytes = 1 << 20;

// What a recorded profile allows: the recorded syscalls, the input profile's,
// and the signal-return syscalls of every host ABI. Those are never left to
// chance: a handler runs during recording only if a signal happens to arrive
// (runc's Go runtime preempts with signals after its seccomp filter is in),
// denying its return kills the process instead of failing a call, and it
// grants nothing but restoring a frame the kernel built.
std::set<std::string> profile_syscalls(const std::set<std::string>& recorded, const std::set<std::string>& base);

// The syscalls an input (if:) profile allows. Refuses anything that is not an
// allow-list we can extend without changing its meaning: a default action
// other than a denial, entries with argument conditions or filters, unknown
// syscall names.
std::set<std::string> allowed_syscalls(std::string_view json);
