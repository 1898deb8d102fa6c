// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// JSON from outside (annotations, the runtime's state, profiles, bundles),
// parsed only when it nests no deeper than a real one ever does: every
// recursive walk of a parsed value (destroying it, among others) takes stack
// per level, and 1 MiB of brackets is 500,000 of them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

inline constexpr int kMaxJsonDepth = 64;

// Whether no array or object in `text` lies deeper than kMaxJsonDepth
// (brackets inside strings do not count).
bool shallow_json(std::string_view text);

// The value, or none if `text` is not JSON or nests too deep.
template <typename Json = nlohmann::json>
std::optional<Json> try_parse_json(std::string_view text)
{
	if (!shallow_json(text))
		return std::nullopt;
	Json j = Json::parse(text, nullptr, false);
	if (j.is_discarded())
		return std::nullopt;
	return j;
}

// The value; refuses with "WHAT is not valid JSON" or "WHAT nests deeper
// than 64 levels".
template <typename Json = nlohmann::json>
Json parse_json(std::string_view text, const std::string& what)
{
	if (!shallow_json(text))
		throw Error(what + " nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
	Json j = Json::parse(text, nullptr, false);
	if (j.is_discarded())
		throw Error(what + " is not valid JSON");
	return j;
}
