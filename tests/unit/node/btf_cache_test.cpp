// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "node/btf_cache.h"

namespace {

// One ELF note: its header, its name and description each padded to 4 bytes.
std::string note(uint32_t type, std::string name, std::string desc)
{
	uint32_t header[3] = {static_cast<uint32_t>(name.size()), static_cast<uint32_t>(desc.size()), type};
	std::string out(reinterpret_cast<const char*>(header), sizeof(header));
	auto padded = [](std::string s) { return s.append((4 - s.size() % 4) % 4, '\0'); };
	return out + padded(name) + padded(desc);
}

} // namespace

TEST_CASE("the kernel's build ID is read from its notes, among others", "[btf_cache]")
{
	std::string id("\x4a\x5a\x9b\x0a\xff\xb6\x6c\x43\x7a\xbc\xd4\x55\xd2\x73\x8a\xf8\x79\x98\x5f\xa9", 20);
	std::string xen = note(18, std::string("Xen\0", 4), std::string(8, '\x01'));
	std::string linux_version = note(6, std::string("Linux\0", 6), std::string("\0\1\0\0", 4));
	std::string build_id = note(3, std::string("GNU\0", 4), id);

	CHECK(build_id_of_notes(xen + linux_version + build_id) == "4a5a9b0affb66c437abcd455d2738af879985fa9");
	CHECK(build_id_of_notes(build_id + xen) == "4a5a9b0affb66c437abcd455d2738af879985fa9");

	// None, or not one to trust: no file name comes of it.
	CHECK_FALSE(build_id_of_notes(""));
	CHECK_FALSE(build_id_of_notes(xen + linux_version));
	CHECK_FALSE(build_id_of_notes(note(3, std::string("Xen\0", 4), id))); // type 3 of another owner
	CHECK_FALSE(build_id_of_notes(note(3, std::string("GNU\0", 4), "")));
	CHECK_FALSE(build_id_of_notes(build_id.substr(0, build_id.size() - 4))); // cut short
	std::string huge = build_id;
	huge[4] = '\xff'; // a description size past the end
	CHECK_FALSE(build_id_of_notes(huge));
}

TEST_CASE("bpftool is the first of the known places that has one", "[btf_cache]")
{
	const char* const paths[] = {"/nonexistent/bpftool", "/etc/passwd", "/bin/true", "/bin/false"};
	CHECK(std::string(first_executable(paths)) == "/bin/true");
	const char* const none[] = {"/nonexistent/bpftool", "/etc/passwd"};
	CHECK(first_executable(none) == nullptr);
}
