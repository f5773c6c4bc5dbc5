# Language level, visibility, sanitizers and ccache for every Ember target.
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# Hidden by default: hot-loaded modules link against what the runtime
# exports on purpose (EMBER_*_EXPORT), nothing else.
set(CMAKE_CXX_VISIBILITY_PRESET hidden)
set(CMAKE_VISIBILITY_INLINES_HIDDEN ON)

find_program(EMBER_CCACHE ccache)
if(EMBER_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${EMBER_CCACHE})
endif()

if(EMBER_SANITIZE)
  string(REPLACE ";" "," _ember_sanitizers "${EMBER_SANITIZE}")
  add_compile_options(-fsanitize=${_ember_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_ember_sanitizers})
endif()

# Warnings for Ember's own targets (not for third-party code).
function(ember_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(EMBER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
