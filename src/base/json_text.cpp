// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include "base/json_text.h"

bool shallow_json(std::string_view text)
{
	int depth = 0;
	bool in_string = false, escaped = false;
	for (char c : text) {
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > kMaxJsonDepth)
				return false;
		} else if (c == ']' || c == '}') {
			--depth;
		}
	}
	return true;
}
