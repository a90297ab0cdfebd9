# Checks DESIGN.md's dependency map against a build's real compile commands:
#
#   daemon -> {wms, provisioning, netcfg}, provisioning -> netcfg,
#   wms -> nothing of ours, netcfg -> nothing of ours.
#
# For every distinct set of flags that compiles a source file of a module,
# a probe file that includes one header of each module is preprocessed with
# exactly those flags. A module outside the map must be refused ("No such
# file or directory" for that header); the module's own headers must be
# found, and each module the map allows must be found from at least one of
# its flag sets (a target may use fewer modules than it is allowed). So the
# test fails both when a path leaks (say a global include of the project
# root) and when the map is drawn tighter than DESIGN.md.
#
# `#include "../other/..."` would go around include paths altogether, so
# product sources are also searched for includes that climb out of a folder.
#
#   cmake -DCOMPILE_COMMANDS=build/compile_commands.json -DSOURCE_DIR=repo
#         -P check_dependency_map.cmake
cmake_minimum_required(VERSION 3.25)

set(modules netcfg provisioning wms daemon)
set(allowed_netcfg "")
set(allowed_provisioning netcfg)
set(allowed_wms "")
set(allowed_daemon netcfg provisioning wms)
# One header per module that includes no other header of ours, so that a
# probe finds it exactly when the flags reach its module.
set(probe_header_netcfg netcfg/errors.hpp)
set(probe_header_provisioning provisioning/errors.hpp)
set(probe_header_wms wms/errors.hpp)
set(probe_header_daemon daemon/startup_error.hpp)

foreach(var COMPILE_COMMANDS SOURCE_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_dependency_map: -D${var}=... is required")
    endif()
endforeach()

set(failures "")
macro(fail text)
    list(APPEND failures "${text}")
    message(STATUS "FAIL ${text}")
endmacro()

# Probes live in a fresh folder of their own (the build folder may not be
# writable by whoever runs the unit tests), so that nothing beside them can
# answer a quoted include.
string(RANDOM LENGTH 8 tag)
if(DEFINED ENV{TMPDIR})
    set(probe_dir "$ENV{TMPDIR}/wmsgate-depmap-${tag}")
else()
    set(probe_dir "/tmp/wmsgate-depmap-${tag}")
endif()
file(MAKE_DIRECTORY ${probe_dir})
foreach(module IN LISTS modules)
    if(NOT EXISTS ${SOURCE_DIR}/${probe_header_${module}})
        message(FATAL_ERROR "check_dependency_map: ${probe_header_${module}} is gone; name another header of ${module}")
    endif()
    file(WRITE ${probe_dir}/probe_${module}.cpp "#include \"${probe_header_${module}}\"\n")
endforeach()

# The distinct flag sets per module, each with one file it compiles.
file(READ ${COMPILE_COMMANDS} db)
string(JSON count LENGTH "${db}")
math(EXPR last "${count} - 1")
set(flag_sets "")
foreach(i RANGE ${last})
    string(JSON file GET "${db}" ${i} file)
    string(JSON command GET "${db}" ${i} command)
    string(JSON directory GET "${db}" ${i} directory)
    file(RELATIVE_PATH relative ${SOURCE_DIR} ${file})
    string(REGEX MATCH "^[a-z]+" module "${relative}")
    if(NOT module IN_LIST modules)
        continue()
    endif()
    separate_arguments(args UNIX_COMMAND "${command}")
    # Drop the object and the source: what remains is the compiler and its flags.
    list(FIND args -o at)
    list(REMOVE_AT args ${at})
    list(REMOVE_AT args ${at})
    list(FIND args -c at)
    list(REMOVE_AT args ${at})
    list(REMOVE_AT args ${at})
    string(SHA1 key "${module};${args}")
    if(NOT key IN_LIST flag_sets)
        list(APPEND flag_sets ${key})
        set(module_${key} ${module})
        set(args_${key} "${args}")
        set(example_${key} ${relative})
        set(directory_${key} ${directory})
    endif()
endforeach()
if(NOT flag_sets)
    message(FATAL_ERROR "check_dependency_map: no product source file in ${COMPILE_COMMANDS}")
endif()

foreach(key IN LISTS flag_sets)
    set(module ${module_${key}})
    foreach(other IN LISTS modules)
        set(header ${probe_header_${other}})
        execute_process(COMMAND ${args_${key}} -E -o /dev/null ${probe_dir}/probe_${other}.cpp
                        WORKING_DIRECTORY ${directory_${key}}
                        RESULT_VARIABLE status ERROR_VARIABLE errors OUTPUT_QUIET)
        set(where "${header} with the flags of ${example_${key}}")
        if(other STREQUAL module OR other IN_LIST allowed_${module})
            if(status EQUAL 0)
                set(reached_${module}_${other} TRUE)
            elseif(other STREQUAL module)
                fail("${where}: its own module's header is not found: ${errors}")
            endif()
        elseif(status EQUAL 0)
            fail("${where}: compiles, but ${module} may not use ${other}")
        elseif(NOT errors MATCHES "${header}: No such file or directory")
            fail("${where}: failed for another reason than a missing header: ${errors}")
        endif()
    endforeach()
endforeach()

foreach(module IN LISTS modules)
    foreach(other IN LISTS allowed_${module})
        if(NOT reached_${module}_${other})
            fail("${module} may use ${other}, but no ${module} target's flags find ${probe_header_${other}}")
        endif()
    endforeach()
    file(GLOB_RECURSE sources ${SOURCE_DIR}/${module}/*.cpp ${SOURCE_DIR}/${module}/*.hpp)
    foreach(source IN LISTS sources)
        file(STRINGS ${source} climbing REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<][.][.]/")
        if(climbing)
            file(RELATIVE_PATH relative ${SOURCE_DIR} ${source})
            fail("${relative}: ${climbing}: include \"module/file.hpp\", not a path out of the folder")
        endif()
    endforeach()
endforeach()
file(REMOVE_RECURSE ${probe_dir})

list(LENGTH flag_sets sets)
list(LENGTH failures failed)
if(failed)
    message(FATAL_ERROR "check_dependency_map: ${failed} violations of DESIGN.md's dependency map")
endif()
message(STATUS "check_dependency_map: ${sets} flag sets of ${count} compile commands follow the map")
