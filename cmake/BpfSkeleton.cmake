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

# vmlinux.h is the checked-in one, never the build host's BTF: the object,
# and the pin directory named by its hash, must not depend on which machine
# built them (CO-RE relocates field offsets against the running kernel at load
# time). Regenerating it is a deliberate step, committed like any change:
#   cmake --build build --target vmlinux_h
set(VMLINUX_DIR ${CMAKE_SOURCE_DIR}/src/bpf/vmlinux/${BPF_TARGET_ARCH})
if(NOT EXISTS ${VMLINUX_DIR}/vmlinux.h)
  message(FATAL_ERROR "no ${VMLINUX_DIR}/vmlinux.h: generate it on a ${BPF_TARGET_ARCH} host with the vmlinux_h target")
endif()
set(VMLINUX_BTF "/sys/kernel/btf/vmlinux" CACHE FILEPATH "kernel BTF the vmlinux_h target dumps")
add_custom_target(vmlinux_h
  COMMAND ${BPFTOOL_EXE} btf dump file ${VMLINUX_BTF} format c > ${VMLINUX_DIR}/vmlinux.h.tmp
  COMMAND ${CMAKE_COMMAND} -E rename ${VMLINUX_DIR}/vmlinux.h.tmp ${VMLINUX_DIR}/vmlinux.h
  COMMENT "Regenerating ${VMLINUX_DIR}/vmlinux.h from ${VMLINUX_BTF}"
  VERBATIM)
set(BPF_GEN_DIR ${CMAKE_BINARY_DIR}/bpf)
file(MAKE_DIRECTORY ${BPF_GEN_DIR})

function(bpf_skeleton name source)
  get_filename_component(_src ${source} ABSOLUTE)
  get_filename_component(_src_dir ${_src} DIRECTORY)
  set(_obj ${BPF_GEN_DIR}/${name}.bpf.o)
  set(_skel ${BPF_GEN_DIR}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${_obj}
    # The debug info names source files and the directory of the compile:
    # both relative to the source tree, so that where it was checked out and
    # built does not change the object.
    COMMAND ${BPF_CLANG_EXE} -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_${BPF_TARGET_ARCH}
            -Wall -Werror -I${VMLINUX_DIR} -I${_src_dir} ${LIBBPF_CFLAGS}
            -ffile-prefix-map=${CMAKE_SOURCE_DIR}=.
            -c ${_src} -o ${_obj}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    DEPENDS ${_src} ${ARGN} ${VMLINUX_DIR}/vmlinux.h
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
