// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Build step: the man page with its SYNOPSIS written from the command
// line's definitions (CommandLine), so that it names what the binary
// parses. Usage: synopsis PAGE OUT; PAGE's line ".\" @SYNOPSIS" is replaced.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "hook/command_line.h"

int main(int argc, char** argv)
{
	if (argc != 3) {
		std::cerr << "usage: synopsis PAGE OUT\n";
		return 2;
	}
	std::ifstream in(argv[1]);
	std::ostringstream page;
	bool replaced = false;
	for (std::string line; std::getline(in, line);) {
		if (line == ".\\\" @SYNOPSIS") {
			page << CommandLine().man_synopsis();
			replaced = true;
		} else {
			page << line << '\n';
		}
	}
	if (!in.eof() || !replaced) {
		std::cerr << "synopsis: " << argv[1] << ": unreadable, or no line .\\\" @SYNOPSIS\n";
		return 1;
	}
	std::ofstream out(argv[2]);
	out << page.str();
	out.close();
	if (!out) {
		std::cerr << "synopsis: write " << argv[2] << "\n";
		return 1;
	}
	return 0;
}
