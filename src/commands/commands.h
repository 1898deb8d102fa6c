// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// The subcommands: `merge` and `diff` for profiles once they are recorded,
// `status`, `stop` and `cleanup` for the recordings running on the node.
// Each takes the arguments after its name and returns the exit status;
// errors go to stderr as one line.
#pragma once

int merge_command(int argc, char** argv);
int diff_command(int argc, char** argv);
int status_command(int argc, char** argv);
int stop_command(int argc, char** argv);
int cleanup_command(int argc, char** argv);
