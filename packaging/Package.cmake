# The Debian package: `cpack -G DEB` in the build directory. Included from the
# top-level CMakeLists.txt, after everything the package installs is known.

# The profile directory belongs to the package (dpkg removes it when it is
# empty), but not to a plain `cmake --install` into some other prefix, which
# must not create directories under /var.
install(DIRECTORY DESTINATION "${DEFAULT_PROFILE_DIR}"
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
        COMPONENT profile_dir EXCLUDE_FROM_ALL)

set(CPACK_PACKAGE_NAME "${PROJECT_NAME}")
set(CPACK_PACKAGE_VENDOR "oci-seccomp-recorder developers")
set(CPACK_PACKAGE_CONTACT "oci-seccomp-recorder developers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "OCI hook that records a container's syscalls into a seccomp profile")
set(CPACK_PACKAGE_DESCRIPTION "An OCI prestart hook for podman and CRI-O. Containers annotated with
io.containers.trace-syscall are recorded with a CO-RE eBPF program (no kernel
headers, no compiler at run time) and get a seccomp profile that allows the
syscalls they made. Also merges and compares profiles, and writes them as
Security Profiles Operator SeccompProfile resources.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
# Monolithic package: the default component and the profile directory.
set(CPACK_COMPONENTS_ALL Unspecified profile_dir)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEB_COMPONENT_INSTALL OFF)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# libbpf1, libseccomp2, libstdc++6, libc6... from the binary's own links.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "podman | cri-o")
# The reference hook matches the same annotation: with both installed, both
# would record every annotated container into the same file.
set(CPACK_DEBIAN_PACKAGE_CONFLICTS "oci-seccomp-bpf-hook")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CMAKE_CURRENT_LIST_DIR}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
