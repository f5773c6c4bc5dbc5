# Build options. The core needs only the C++ standard library; everything
# with an outside dependency can be switched off.
option(EMBER_BUILD_TESTS "Build the GoogleTest suites" ON)
option(EMBER_BUILD_BENCH "Build the benchmarks (Google Benchmark)" ON)
option(EMBER_BUILD_GUI "Build the Observer (Dear ImGui + GLFW)" ON)
option(EMBER_BUILD_REMSH "Build the SSH remote shell (libssh)" ON)
option(EMBER_BUILD_FUZZ "Build the libFuzzer targets with clang and run them briefly as tests" ON)
set(EMBER_SANITIZE "" CACHE STRING "Sanitizers for every target: address;undefined or thread (empty: none)")

# Warnings are errors in CI (the CI environment sets CI=true).
if(DEFINED ENV{CI} AND NOT "$ENV{CI}" STREQUAL "")
  set(_ember_werror_default ON)
else()
  set(_ember_werror_default OFF)
endif()
option(EMBER_WERROR "Treat warnings as errors" ${_ember_werror_default})
