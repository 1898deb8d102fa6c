// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "oci/state.h"

#include <climits>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/json_text.h"

State parse_state(std::string_view text)
{
	nlohmann::json j = parse_json(text, "state on stdin");
	if (!j.is_object())
		throw Error("state on stdin is not a JSON object");

	State s;
	auto pid = j.find("pid");
	if (pid == j.end())
		throw Error("state has no pid");
	if (!pid->is_number_integer() || pid->get<long long>() <= 0 || pid->get<long long>() > INT_MAX)
		throw Error("state pid is not a positive process id");
	s.pid = static_cast<pid_t>(pid->get<long long>());

	for (auto [key, field] : {std::pair{"id", &s.id}, std::pair{"bundle", &s.bundle}}) {
		auto it = j.find(key);
		if (it == j.end())
			continue;
		if (!it->is_string())
			throw Error(std::string("state ") + key + " is not a string");
		*field = it->get<std::string>();
	}

	if (auto it = j.find("annotations"); it != j.end() && !it->is_null()) {
		if (!it->is_object())
			throw Error("state annotations is not an object");
		for (const auto& [key, value] : it->items()) {
			if (!value.is_string())
				throw Error("state annotation " + key + " is not a string");
			s.annotations.emplace(key, value.get<std::string>());
		}
	}
	return s;
}
