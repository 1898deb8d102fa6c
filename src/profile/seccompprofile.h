// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
// A profile as a SeccompProfile custom resource of the Security Profiles
// Operator (security-profiles-operator.x-k8s.io/v1beta1), in YAML for
// `kubectl apply`.
#pragma once

#include <string>
#include <string_view>

#include "profile/ruleset.h"

// A Kubernetes object name (RFC 1123: a-z, 0-9 and '-', alphanumeric at both
// ends) from a profile's file name: "out/My_App.v2.json" gives "my-app-v2".
std::string resource_name(std::string_view file_name);

// Refuses what the resource cannot say: an errno other than EPERM for the
// default action, includes/excludes, errnoRet on a rule.
std::string render_seccompprofile(const RuleSet& rules, const std::string& name);
