// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// oci-seccomp-recorder: an OCI prestart hook that records the syscalls a
// container makes and writes a seccomp profile that allows just those; and
// the commands for profiles and recordings, and the recording service (see
// command_line.h).
#include <optional>

#include "base/log.h"
#include "base/proc_stat.h"
#include "commands/commands.h"
#include "hook/command_line.h"
#include "hook/prestart.h"
#include "service/server.h"

int main(int argc, char** argv)
{
	CommandLine cli;
	if (std::optional<int> done = cli.parse(argc, argv))
		return *done;
	if (cli.merge_cmd->parsed())
		return merge_command(cli.merge);
	if (cli.diff_cmd->parsed())
		return diff_command(cli.diff_before, cli.diff_after);
	if (cli.stability_cmd->parsed())
		return stability_command(cli.stability);
	if (cli.status_cmd->parsed())
		return status_command(cli.status_json, cli.status_socket);
	if (cli.stop_cmd->parsed())
		return stop_command(cli.stop_ids, cli.stop_all);
	if (cli.cleanup_cmd->parsed())
		return cleanup_command();
	bool service = cli.service_cmd->parsed();
	try {
		// The node's log file is root's: a rootless user's hook, which the
		// recording service records for, logs to stderr (podman shows it).
		logging::open(service ? cli.service.log_file : node_root() ? cli.hook.log_file : "");
		logging::set_verbose(service ? cli.service.verbose : cli.hook.verbose);
		return service ? serve(cli.service) : prestart(cli.hook);
	} catch (const std::exception& e) {
		logging::error(e.what());
		return 1;
	}
}
