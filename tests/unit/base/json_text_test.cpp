// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include "base/json_text.h"

using Catch::Matchers::Contains;

TEST_CASE("JSON deeper than a real one is refused before it is parsed", "[json_text]")
{
	std::string deep = std::string(400000, '[') + std::string(400000, ']');
	CHECK_FALSE(shallow_json(deep));
	CHECK_THROWS_WITH(parse_json(R"({"a":)" + deep + "}", "p.json"), Contains("p.json nests deeper than 64 levels"));
	CHECK_FALSE(try_parse_json(deep));
	std::string ok = std::string(64, '[') + std::string(64, ']');
	CHECK(shallow_json(ok));
	CHECK(parse_json(ok, "p").is_array());
	CHECK_FALSE(shallow_json(std::string(65, '{')));
	// Brackets in strings, escaped quotes among them, are text.
	std::string in_string = "[\"" + std::string(100, '[') + "\\\"" + std::string(100, '{') + "\"]";
	CHECK(shallow_json(in_string));
	CHECK(parse_json(in_string, "p")[0].get<std::string>().size() == 201);
	CHECK_THROWS_WITH(parse_json("{", "p.json"), Contains("p.json is not valid JSON"));
}
