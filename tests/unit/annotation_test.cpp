#include <catch2/catch.hpp>

#include "annotation.h"
#include "error.h"

TEST_CASE("annotation with of: only", "[annotation]")
{
	Request r = parse_annotation("of:app.json");
	CHECK(r.output == "app.json");
	CHECK_FALSE(r.input);
}

TEST_CASE("annotation with both keys in either order", "[annotation]")
{
	for (const char* value : {"if:base.json;of:app.json", "of:app.json;if:base.json"}) {
		Request r = parse_annotation(value);
		CHECK(r.output == "app.json");
		REQUIRE(r.input);
		CHECK(*r.input == "base.json");
	}
}

TEST_CASE("annotation tolerates whitespace around keys and paths", "[annotation]")
{
	Request r = parse_annotation("  if : base.json ;\tof:  /var/lib/p/app.json \n");
	CHECK(r.output == "/var/lib/p/app.json");
	CHECK(*r.input == "base.json");
}

TEST_CASE("annotation errors name what is wrong", "[annotation]")
{
	using Catch::Matchers::Contains;
	CHECK_THROWS_WITH(parse_annotation(""), Contains("empty annotation"));
	CHECK_THROWS_WITH(parse_annotation("   "), Contains("empty annotation"));
	CHECK_THROWS_WITH(parse_annotation("if:base.json"), Contains("no of:"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;of:b.json"), Contains("of: given more than once"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;if:b;if:c"), Contains("if: given more than once"));
	CHECK_THROWS_WITH(parse_annotation("of:"), Contains("empty path"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;"), Contains("empty entry"));
	CHECK_THROWS_WITH(parse_annotation("of:a.json;;if:b"), Contains("empty entry"));
	CHECK_THROWS_WITH(parse_annotation("xf:a.json"), Contains("unknown key 'xf'"));
	CHECK_THROWS_WITH(parse_annotation("a.json"), Contains("not KEY:PATH"));
}
