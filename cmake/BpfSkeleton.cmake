# SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
# bpf_skeleton(NAME SOURCE [HEADER...]): compile SOURCE (a CO-RE .bpf.c) with clang for the
# BPF target and generate NAME.skel.h with bpftool. Gives the INTERFACE target
# NAME_skel, which carries the include path of the skeleton and links libbpf.
# Everything happens at build time: nothing is compiled when a container starts.

find_program(BPFTOOL_EXE NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
find_program(BPF_CLANG_EXE NAMES clang clang-16 clang-15 clang-14 REQUIRED)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|amd64|AMD64")
  set(BPF_TARGET_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(BPF_TARGET_ARCH arm64)
else()
  message(FATAL_ERROR "no BPF target arch known for ${CMAKE_SYSTEM_PROCESSOR}")
endif()

# vmlinux.h: from this host's BTF; a checked-in copy only where the build
# host has none (CO-RE relocates field offsets at load time either way).
set(VMLINUX_BTF "/sys/kernel/btf/vmlinux" CACHE FILEPATH "kernel BTF to generate vmlinux.h from")
set(BPF_GEN_DIR ${CMAKE_BINARY_DIR}/bpf)
file(MAKE_DIRECTORY ${BPF_GEN_DIR})
if(EXISTS ${VMLINUX_BTF})
  add_custom_command(
    OUTPUT ${BPF_GEN_DIR}/vmlinux.h
    COMMAND ${BPFTOOL_EXE} btf dump file ${VMLINUX_BTF} format c > ${BPF_GEN_DIR}/vmlinux.h.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${BPF_GEN_DIR}/vmlinux.h.tmp ${BPF_GEN_DIR}/vmlinux.h
    DEPENDS ${VMLINUX_BTF}
    COMMENT "Generating vmlinux.h from ${VMLINUX_BTF}"
    VERBATIM)
else()
  set(_checked_in ${CMAKE_SOURCE_DIR}/bpf/vmlinux/${BPF_TARGET_ARCH}/vmlinux.h)
  if(NOT EXISTS ${_checked_in})
    message(FATAL_ERROR "no ${VMLINUX_BTF} on this host and no ${_checked_in}")
  endif()
  message(STATUS "No kernel BTF on the build host: using ${_checked_in}")
  configure_file(${_checked_in} ${BPF_GEN_DIR}/vmlinux.h COPYONLY)
endif()

function(bpf_skeleton name source)
  get_filename_component(_src ${source} ABSOLUTE)
  get_filename_component(_src_dir ${_src} DIRECTORY)
  set(_obj ${BPF_GEN_DIR}/${name}.bpf.o)
  set(_skel ${BPF_GEN_DIR}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${_obj}
    COMMAND ${BPF_CLANG_EXE} -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_${BPF_TARGET_ARCH}
            -Wall -Werror -I${BPF_GEN_DIR} -I${_src_dir} ${LIBBPF_CFLAGS}
            -c ${_src} -o ${_obj}
    DEPENDS ${_src} ${ARGN} ${BPF_GEN_DIR}/vmlinux.h
    COMMENT "Compiling BPF object ${name}.bpf.o"
    VERBATIM)
  add_custom_command(
    OUTPUT ${_skel}
    COMMAND ${BPFTOOL_EXE} gen skeleton ${_obj} name ${name}_bpf > ${_skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${_skel}.tmp ${_skel}
    DEPENDS ${_obj}
    COMMENT "Generating BPF skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_skel_gen DEPENDS ${_skel})
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_skel_gen)
  target_include_directories(${name}_skel INTERFACE ${BPF_GEN_DIR} ${_src_dir})
  target_link_libraries(${name}_skel INTERFACE PkgConfig::LIBBPF)
endfunction()
