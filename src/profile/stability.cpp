// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "profile/stability.h"

#include <algorithm>
#include <sstream>

#include "base/error.h"
#include "base/json_text.h"
#include "profile/syscalls.h"

namespace {

// The profile's rules with argument conditions: one value each.
void add_values(Run& run, const std::string& profile)
{
	auto j = try_parse_json(profile);
	if (!j || !j->is_object() || !j->contains("syscalls") || !(*j)["syscalls"].is_array())
		throw Error(run.source + ": the profile beside it is not a seccomp profile");
	for (const nlohmann::json& rule : (*j)["syscalls"]) {
		if (!rule.is_object() || !rule.contains("args") || !rule["args"].is_array() || rule["args"].empty() ||
		    !rule.contains("names") || !rule["names"].is_array())
			continue;
		std::string what = rule.contains("comment") && rule["comment"].is_string()
					   ? rule["comment"].get<std::string>()
					   : rule["args"].dump();
		for (const nlohmann::json& name : rule["names"])
			if (name.is_string())
				run.items.insert("value " + name.get<std::string>() + " " + what);
	}
}

// "ARCH NAME" for every name of a report's per-architecture map.
std::set<std::string> arch_names(const nlohmann::json& by_arch, const std::string& what, const std::string& source)
{
	if (!by_arch.is_object())
		throw Error(source + ": " + what + " is not a map of architectures to syscall names");
	std::set<std::string> out;
	for (const auto& [arch, names] : by_arch.items()) {
		if (!names.is_array())
			throw Error(source + ": " + what + "." + arch + " is not a list of names");
		for (const nlohmann::json& name : names)
			if (name.is_string())
				out.insert(arch + " " + name.get<std::string>());
	}
	return out;
}

// How an item reads: the host's own architecture goes without saying.
std::string display(const std::string& item)
{
	std::string shown = item.substr(item.find(' ') + 1);
	std::string native = host_arch_names().front() + " ";
	return shown.starts_with(native) ? shown.substr(native.size()) : shown;
}

std::string kind_of(const std::string& item)
{
	return item.substr(0, item.find(' '));
}

} // namespace

Run read_run(std::string_view report, const std::optional<std::string>& profile, const std::string& source)
{
	auto j = try_parse_json(report);
	if (!j || !j->is_object() || !(*j)["recorded"].is_object() || !(*j)["started"].is_string())
		throw Error(source + ": not a report of oci-seccomp-recorder (no recorded, no started)");
	Run run;
	run.source = source;
	run.started = (*j)["started"].get<std::string>();
	for (const std::string& name : arch_names((*j)["recorded"], "recorded", source))
		run.items.insert("syscall " + name);
	if (j->contains("denied"))
		run.denied = arch_names((*j)["denied"], "denied", source);
	if (profile)
		add_values(run, *profile);
	return run;
}

size_t Stability::quiet() const
{
	size_t n = 0;
	for (auto it = added.rbegin(); it != added.rend() && it->empty() && n + 1 < added.size(); ++it)
		++n;
	return n;
}

Stability measure_stability(std::vector<Run> runs)
{
	std::stable_sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.started < b.started; });
	Stability s;
	std::set<std::string> all;
	for (const Run& run : runs) {
		std::set<std::string> added;
		for (const std::string& item : run.items) {
			++s.seen[item];
			if (all.insert(item).second)
				added.insert(item);
		}
		for (const std::string& name : run.denied)
			++s.denied[name];
		s.added.push_back(std::move(added));
	}
	s.runs = std::move(runs);
	return s;
}

std::string render_stability(const Stability& s, size_t settle)
{
	std::ostringstream out;
	size_t n = s.runs.size();
	size_t syscalls = 0, values = 0;
	for (const auto& [item, count] : s.seen)
		if (count == n)
			++(kind_of(item) == "syscall" ? syscalls : values);
	out << n << " runs, oldest first; in every run: " << syscalls << " syscalls, " << values
	    << " argument values\n";
	std::vector<std::pair<std::string, size_t>> some;
	for (const auto& [item, count] : s.seen)
		if (count < n)
			some.emplace_back(display(item), count);
	if (!some.empty()) {
		out << "in some runs only:\n";
		for (const auto& [item, count] : some)
			out << "  " << item << "  (" << count << " of " << n << ")\n";
	}
	out << "new in each run:";
	for (const auto& added : s.added)
		out << " " << added.size();
	out << "\n";
	for (const auto& [name, count] : s.denied)
		out << "denied: " << display("denied " + name) << "  (" << count << " of " << n << ")\n";
	if (s.stable(settle)) {
		out << "stable: the last " << s.quiet() << " runs added nothing (--settle " << settle << ")\n";
	} else {
		// The last run that added something (or the first, which adds all).
		size_t last = n - s.quiet();
		std::string added;
		for (const std::string& item : s.added[last - 1])
			added += (added.empty() ? "" : ", ") + display(item);
		out << "not stable: ";
		if (!added.empty())
			out << "run " << last << " (" << s.runs[last - 1].source << ") added " << added << "; ";
		out << "record until " << settle << " runs in a row add nothing\n";
	}
	return out.str();
}

nlohmann::ordered_json stability_json(const Stability& s, size_t settle)
{
	nlohmann::ordered_json j;
	j["runs"] = nlohmann::ordered_json::array();
	for (size_t i = 0; i < s.runs.size(); ++i)
		j["runs"].push_back({{"report", s.runs[i].source},
				     {"started", s.runs[i].started},
				     {"new", std::vector<std::string>(s.added[i].begin(), s.added[i].end())}});
	auto counts = [](const std::map<std::string, size_t>& m) {
		nlohmann::ordered_json o = nlohmann::ordered_json::object();
		for (const auto& [item, count] : m)
			o[item] = count;
		return o;
	};
	j["seen"] = counts(s.seen);
	j["denied"] = counts(s.denied);
	j["settle"] = settle;
	j["runsWithoutNew"] = s.quiet();
	j["stable"] = s.stable(settle);
	return j;
}
