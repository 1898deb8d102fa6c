// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// Directories and files root may trust: its own, and nobody else's to change.
#pragma once

#include <string>

// Throws unless `path` is a directory (not a symlink to one) owned by root
// and writable by nobody else, or, with `sticky_ok`, sticky (others may add
// entries there, but not rename or delete root's).
void require_trusted_dir(const std::string& path, bool sticky_ok);
// Throws unless `path` is a regular file (not a symlink to one) owned by
// root and writable by nobody else.
void require_trusted_file(const std::string& path);
