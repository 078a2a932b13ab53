# Sanitizers and fuzzing (docs/testing.md).
#
# CABAS_SANITIZE=ON builds everything with AddressSanitizer (LeakSanitizer included) and UndefinedBehaviorSanitizer;
# any undefined behaviour stops the program (-fno-sanitize-recover), so a test that meets one fails.
# CABAS_FUZZ=ON (clang only) also instruments cabas_core for libFuzzer's coverage (-fsanitize=fuzzer-no-link) and
# builds the fuzz targets of tests/fuzz (build/asan/tests/fuzz/fuzz_*). The same build runs the whole test suite
# and the fuzz targets. The corpus replay tests (fuzz.replay.*) exist in every build, gcc included.
option(CABAS_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(CABAS_FUZZ "Build the libFuzzer targets (clang); instruments cabas_core for coverage" OFF)

if(CABAS_SANITIZE)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang|GNU")
        message(FATAL_ERROR "CABAS_SANITIZE needs clang or gcc")
    endif()
    # vptr: the dynamic type checks of UBSan need the type information of every class a pointer is cast to;
    # Qt's own libraries are not instrumented, and Qt's signal/slot and qobject_cast machinery then gives
    # false reports. The rest of -fsanitize=undefined stays (docs/testing.md).
    set(CABAS_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined
                              -fno-omit-frame-pointer)
    add_compile_options(${CABAS_SANITIZER_FLAGS})
    add_link_options(-fsanitize=address,undefined)
endif()

# The time limit of each CTest test (tests/CMakeLists.txt). The sanitizers make the programs two to five times
# slower, and the longest tests (the kill -9 loops, the 20-process PostgreSQL run) took 20-80 s under them on the
# loaded development machine: 900 s there keeps a slow CI machine from failing them, 300 s elsewhere.
if(CABAS_SANITIZE)
    set(CABAS_DEFAULT_TEST_TIMEOUT 900)
else()
    set(CABAS_DEFAULT_TEST_TIMEOUT 300)
endif()
set(CABAS_TEST_TIMEOUT ${CABAS_DEFAULT_TEST_TIMEOUT} CACHE STRING "Seconds each CTest test may run")

if(CABAS_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "CABAS_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-14")
    endif()
    if(NOT CABAS_SANITIZE)
        message(WARNING "CABAS_FUZZ without CABAS_SANITIZE: the fuzz targets only find crashes, not memory errors")
    endif()
endif()

# cabas_fuzz_instrument(target): coverage instrumentation for libFuzzer, when CABAS_FUZZ is on. The sanitizer
# runtimes of ordinary executables provide the coverage hooks, so instrumented libraries link into tests too.
function(cabas_fuzz_instrument target)
    if(CABAS_FUZZ)
        target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
endfunction()
