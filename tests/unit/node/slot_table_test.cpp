// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <utility>

#include "base/error.h"
#include "node/slot_table.h"

namespace {

// The node program's maps in memory, as the kernel would keep them.
class FakeSlotMaps : public SlotMaps {
public:
	std::vector<struct slot> slots = std::vector<struct slot>(MAX_RECORDINGS);
	struct settings set = {};
	std::map<std::pair<uint32_t, uint32_t>, uint32_t> targets; // (pidns, mntns) -> slot
	std::map<uint32_t, uint32_t> pidns;                        // pidns -> count
	std::map<int, struct member> tracked;                     // pidfd -> member
	std::set<uint32_t> cleared, unlisted;                      // slots
	std::set<std::pair<uint32_t, uint32_t>> forgotten;         // (slot, generation)

	std::vector<struct slot> read_slots() const override { return slots; }
	struct slot read_slot(uint32_t index) const override { return slots.at(index); }
	void write_slot(uint32_t index, const struct slot& s) override { slots.at(index) = s; }
	struct settings read_settings() const override { return set; }
	// The PID namespaces as each new pidns_epoch was written.
	std::vector<std::map<uint32_t, uint32_t>> pidns_at_epoch;
	void write_settings(const struct settings& s) override
	{
		if (s.pidns_epoch != set.pidns_epoch)
			pidns_at_epoch.push_back(pidns);
		set = s;
	}
	bool add_target(const struct target_key& key, uint32_t index) override
	{
		return targets.emplace(std::pair(key.pidns, key.mntns), index).second;
	}
	std::optional<uint32_t> target_slot(const struct target_key& key) const override
	{
		auto it = targets.find({key.pidns, key.mntns});
		return it == targets.end() ? std::nullopt : std::optional(it->second);
	}
	void remove_target(const struct target_key& key) override { targets.erase({key.pidns, key.mntns}); }
	uint32_t pidns_count(uint32_t ns) const override { return pidns.count(ns) ? pidns.at(ns) : 0; }
	void set_pidns_count(uint32_t ns, uint32_t count) override
	{
		if (count == 0)
			pidns.erase(ns);
		else
			pidns[ns] = count;
	}
	void clear_bitmaps(uint32_t index) override { cleared.insert(index); }
	void track(int pidfd, const struct member& m) override { tracked[pidfd] = m; }
	void forget_entries(uint32_t index, uint32_t generation) override { forgotten.emplace(index, generation); }
	void forget_status(uint32_t index) override { unlisted.insert(index); }
};

// Owners by pid: alive unless listed as gone.
struct Owners {
	std::set<uint32_t> gone;
	size_t checks = 0;
	SlotTable::OwnerAlive alive()
	{
		return [this](const struct slot& s) {
			++checks;
			return !gone.count(s.owner_pid);
		};
	}
};

ClaimRequest container(uint32_t pidns, uint32_t mntns, int pidfd = 7)
{
	return {pidns, mntns, 4242, pidfd, true, false};
}

// A node's slots, in memory.
struct Node {
	FakeSlotMaps maps;
	Owners owners;
	SlotTable table{maps, owners.alive()};

	// n recordings of containers of PID namespaces pidns.., by owners pid..
	void fill(uint32_t n, uint32_t pidns, uint32_t pid)
	{
		for (uint32_t i = 0; i < n; ++i)
			table.claim(container(pidns + i, 1), {static_cast<pid_t>(pid + i), 9});
	}
};

} // namespace

TEST_CASE_METHOD(Node, "a claim takes the first free slot and adds its container to the maps", "[slot_table]")
{

	uint32_t a = table.claim(container(100, 200, 7), {500, 9});
	CHECK(a == 0);
	const struct slot& s = maps.slots[a];
	CHECK(s.in_use == 1);
	CHECK(s.pidns == 100);
	CHECK(s.mntns == 200);
	CHECK(s.init_tgid == 4242);
	CHECK(s.owner_pid == 500);
	CHECK(s.owner_start == 9);
	CHECK(s.members == 1);
	CHECK(s.watch_denied == 1);
	CHECK(s.arg_rules == 0);
	CHECK(s.generation == 1);
	CHECK(maps.targets.at({100, 200}) == a);
	CHECK(maps.pidns.at(100) == 1);
	CHECK(maps.cleared.count(a));
	// The init carries its recording, by generation.
	CHECK(maps.tracked.at(7).slot == a);
	CHECK(maps.tracked.at(7).generation == 1);

	// Containers sharing a PID namespace: one count each.
	uint32_t b = table.claim(container(100, 201, 8), {501, 9});
	CHECK(b == 1);
	CHECK(maps.slots[b].generation == 2);
	CHECK(maps.pidns.at(100) == 2);
	CHECK(table.any_in_use());
	CHECK(table.any_watching_denials());
	CHECK(table.in_use().size() == 2);
}

TEST_CASE_METHOD(Node, "a freed slot takes away what its recording added, and nothing of another's", "[slot_table]")
{
	uint32_t a = table.claim(container(100, 200), {500, 9});
	uint32_t b = table.claim(container(100, 201), {501, 9});

	uint32_t generation = maps.slots[a].generation;
	table.free(a);
	CHECK(maps.slots[a].in_use == 0);
	CHECK(maps.forgotten.count({a, generation}));
	CHECK(maps.unlisted.count(a));
	CHECK_FALSE(maps.targets.count({100, 200}));
	CHECK(maps.targets.at({100, 201}) == b);
	CHECK(maps.pidns.at(100) == 1);

	table.free(b);
	CHECK(maps.pidns.empty());
	CHECK(maps.targets.empty());
	CHECK_FALSE(table.any_in_use());

	// The next claim reuses the first slot under a new generation: tasks
	// still carrying the old one are not its.
	uint32_t c = table.claim(container(300, 400), {502, 9});
	CHECK(c == a);
	CHECK(maps.slots[c].generation == 3);
}

TEST_CASE_METHOD(Node, "a release frees the slot at once and leaves its entries to forget, by generation", "[slot_table]")
{
	uint32_t a = table.claim(container(100, 200), {500, 9});
	uint32_t generation = table.release(a);
	CHECK(generation == 1);
	CHECK(maps.slots[a].in_use == 0);
	CHECK(maps.unlisted.count(a)); // under the lock: the next claim's file is its own
	CHECK(maps.forgotten.empty());
	CHECK(maps.targets.empty());
	CHECK(maps.pidns.empty());

	// The slot is claimed again before the entries are forgotten: the
	// forget names the old generation only.
	uint32_t b = table.claim(container(100, 201), {501, 9});
	CHECK(b == a);
	table.forget(a, generation);
	CHECK(maps.forgotten == std::set<std::pair<uint32_t, uint32_t>>{{a, 1}});
	CHECK(maps.slots[b].generation == 2);
	CHECK(maps.slots[b].in_use == 1);
}

TEST_CASE_METHOD(Node, "a container already recorded is refused, and the other recording keeps all it has", "[slot_table]")
{
	uint32_t a = table.claim(container(100, 200, 7), {500, 9});

	CHECK_THROWS_WITH(table.claim(container(100, 200, 8), {501, 9}),
			  "this container's namespaces are already being recorded");
	CHECK(maps.slots[1].in_use == 0); // the slot it had taken is free again
	CHECK(maps.targets.at({100, 200}) == a);
	CHECK(maps.pidns.at(100) == 1);
	CHECK(maps.tracked.at(7).slot == a);
	CHECK(maps.slots[a].in_use == 1);
}

TEST_CASE_METHOD(Node, "recordings of the host's PID namespace are counted for the host's fast path", "[slot_table]")
{
	uint32_t a = table.claim(container(HOST_PIDNS_INO, 200), {500, 9});
	uint32_t b = table.claim(container(HOST_PIDNS_INO, 201), {501, 9});
	CHECK(maps.set.host_recordings == 2);
	table.free(a);
	CHECK(maps.set.host_recordings == 1);
	table.free(b);
	CHECK(maps.set.host_recordings == 0);
	CHECK(maps.pidns.empty());
}

TEST_CASE_METHOD(Node, "each change of the recorded PID namespaces bumps the epoch after it, not before", "[slot_table]")
{
	uint32_t a = table.claim(container(100, 200), {500, 9});
	REQUIRE(maps.set.pidns_epoch == 1);
	CHECK(maps.pidns_at_epoch.back() == std::map<uint32_t, uint32_t>{{100, 1}});
	uint32_t b = table.claim(container(100, 201), {501, 9});
	REQUIRE(maps.set.pidns_epoch == 2);
	CHECK(maps.pidns_at_epoch.back() == std::map<uint32_t, uint32_t>{{100, 2}});
	table.free(a);
	REQUIRE(maps.set.pidns_epoch == 3);
	CHECK(maps.pidns_at_epoch.back() == std::map<uint32_t, uint32_t>{{100, 1}});
	table.free(b);
	REQUIRE(maps.set.pidns_epoch == 4);
	CHECK(maps.pidns_at_epoch.back().empty());
	// A refused claim changes no PID namespace count, so not the epoch.
	table.claim(container(100, 200), {502, 9});
	uint32_t epoch = maps.set.pidns_epoch;
	CHECK_THROWS(table.claim(container(100, 200), {503, 9}));
	CHECK(maps.set.pidns_epoch == epoch);
	CHECK(maps.pidns.at(100) == 1);
}

TEST_CASE_METHOD(Node, "a claim frees the slots of owners that are gone, a few in turn", "[slot_table]")
{
	fill(40, 1000, 2000);
	owners.gone = {2003, 2020}; // SIGKILLed tracing children
	maps.set.tidy_from = 0;     // the turn is at the table's start

	owners.checks = 0;
	uint32_t next = table.claim(container(5000, 1), {3000, 9});
	// Looked at 16 owners from the start of the table: freed 2003's slot,
	// then took it.
	CHECK(owners.checks == SlotTable::kOwnerChecksPerClaim);
	CHECK(next == 3);
	CHECK(maps.forgotten.count({3, 4})); // its generation: the fourth claim's
	CHECK_FALSE(maps.targets.count({1003, 1}));
	CHECK(maps.slots[20].owner_pid == 2020); // not looked at yet
	CHECK(maps.set.tidy_from == 16);         // the next claim goes on from there

	uint32_t after = table.claim(container(5001, 1), {3001, 9});
	CHECK(after == 20);
	CHECK(maps.slots[20].owner_pid == 3001);
	CHECK(maps.set.tidy_from == 32);
}

TEST_CASE_METHOD(Node, "a full table looks at every owner before it refuses", "[slot_table]")
{
	fill(MAX_RECORDINGS, 10000, 20000);

	CHECK_THROWS_WITH(table.claim(container(1, 1), {1, 9}),
			  "already " + std::to_string(MAX_RECORDINGS) + " recordings on this node");

	owners.gone = {20000 + 700}; // far from where the claims look in turn
	uint32_t index = table.claim(container(1, 1), {1, 9});
	CHECK(index == 700);
	CHECK(maps.pidns.count(10700) == 0);
}

TEST_CASE_METHOD(Node, "free_stale frees every slot whose owner is gone, and only those", "[slot_table]")
{
	fill(5, 100, 200);
	owners.gone = {201, 204};
	CHECK(table.free_stale() == 2);
	std::vector<SlotTable::InUse> left = table.in_use();
	REQUIRE(left.size() == 3);
	CHECK(left[0].index == 0);
	CHECK(left[1].index == 2);
	CHECK(left[2].index == 3);
	CHECK(table.free_stale() == 0);
}

TEST_CASE("a recording's bitmap reads back as the (ABI, number) pairs the program set", "[slot_table]")
{
	struct seen_bitmap bits = {};
	auto set = [&](uint32_t abi, uint32_t nr) { // as recorder.bpf.c's set_bit
		uint32_t bit = SEEN_BIT(abi, nr);
		bits.words[bit / 64] |= 1ULL << (bit % 64);
	};
	set(ABI_NATIVE, 0);
	set(ABI_NATIVE, 63);
	set(ABI_NATIVE, 64);
	set(ABI_COMPAT, 1);
	set(ABI_X32, MAX_SYSCALL_NR - 1); // the last bit
	std::set<SyscallId> expected = {{ABI_NATIVE, 0}, {ABI_NATIVE, 63}, {ABI_NATIVE, 64}, {ABI_COMPAT, 1},
					{ABI_X32, MAX_SYSCALL_NR - 1}};
	CHECK(syscalls_in(bits) == expected);
	CHECK(syscalls_in(seen_bitmap{}).empty());
}
