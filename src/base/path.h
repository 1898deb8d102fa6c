// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// A path's directory and last component, as the hook's files are opened:
// the directory first, then the name beneath it.
#pragma once

#include <string>
#include <string_view>

struct SplitPath {
	std::string dir;  // "." when the path has no slash; "/" for a name in the root
	std::string name; // what follows the last slash
};

inline SplitPath split_path(std::string_view path)
{
	size_t slash = path.rfind('/');
	if (slash == std::string_view::npos)
		return {".", std::string(path)};
	return {std::string(slash == 0 ? path.substr(0, 1) : path.substr(0, slash)), std::string(path.substr(slash + 1))};
}
