// The subcommands for working with profiles once they are recorded:
// `merge` and `diff`. Each takes the arguments after its name and returns the
// exit status; errors go to stderr as one line.
#pragma once

int merge_command(int argc, char** argv);
int diff_command(int argc, char** argv);
