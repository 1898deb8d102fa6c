// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// What the runc wrapper does to a bundle: adds our hook to config.json when
// the container asks to be recorded, and leaves every other bundle alone.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

enum class BundleEdit {
	kNotAsked,    // no annotation selects a recording: config.json untouched
	kAdded,       // the hook was added
	kAlreadyThere // the hook was there already (a runtime that reads hooks.d)
};

// Reads BUNDLE/config.json and, if its annotations select a recording (the
// hook's own rules, and our hooks.d entry's "when"), adds the entry's hook to
// each of its stages, keeping everything else; written atomically, mode
// kept. Throws, with the reason, only for a container that asks to be
// recorded (or whose config.json cannot be read as JSON and names our
// annotation): any other container is never held up by the wrapper.
BundleEdit add_recording_hook(const std::string& bundle, const std::vector<std::string>& hooks_dirs);

// BUNDLE/config.json's linux.seccomp: the container's seccomp filter, null
// if it has none; none if config.json cannot be read.
std::optional<nlohmann::json> seccomp_config(const std::string& bundle);
