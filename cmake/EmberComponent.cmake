# ember_add_component: one call makes a component's library with its alias,
# export header, include paths, warnings and install rules, and holds the
# dependency rule of docs/ARCHITECTURE.md (CAF's caf_add_component is the
# model):
#
#   ember_add_component(runtime
#     DEPENDS term Threads::Threads      # linked PUBLIC: part of its interface
#     PRIVATE_DEPENDS asio                # linked PRIVATE
#     SOURCES src/a.cpp src/b.cpp
#     [INTERNAL_OBJECTS])                 # also ember_runtime_internal, below
#
# makes `ember_runtime` (alias `ember::runtime`), `ember/runtime/export.hpp`
# with EMBER_RUNTIME_EXPORT, public headers from include/ and private ones
# from src/. With INTERNAL_OBJECTS the sources are compiled once into an
# object library, `ember_runtime_internal`, that the shared library is made
# of and that internal unit tests link to reach src/ (symbols are hidden in
# the shared library, so tests of internals cannot link it). A bare name in DEPENDS is another component; a name with `::`
# is an outside target. Configuration fails when
#   - a component declares another component the rule below does not let
#     it reach, or
#   - a component's target links anything it did not declare (checked once
#     everything is configured, so a later target_link_libraries is caught).
#
# The rule, as edges "component:what it may use directly" (comma-separated). A component may
# use whatever its edges reach, transitively: the Observer uses term types
# through the client.
set(EMBER_COMPONENT_EDGES
  "term:"
  "runtime:term"
  "protocol:term"
  "query:runtime,protocol"
  "render:protocol"
  "commands:protocol,render"
  "agent:query,protocol"
  "client:protocol"
  "remsh:query,commands"
  "observer:client,render"
  "observer_ui:observer")

include(GenerateExportHeader)
include(GNUInstallDirs)

function(_ember_component_edges name out)
  set(result "")
  foreach(edge IN LISTS EMBER_COMPONENT_EDGES)
    string(REPLACE ":" ";" parts "${edge}")
    list(GET parts 0 from)
    if(from STREQUAL name)
      string(REGEX REPLACE "^[^:]*:" "" targets "${edge}")
      string(REPLACE "," ";" targets "${targets}")
      set(result ${targets})
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Every component `name` may reach through the edges, transitively.
function(_ember_component_reach name out)
  set(seen "")
  set(todo ${name})
  while(todo)
    list(POP_FRONT todo current)
    _ember_component_edges(${current} next)
    foreach(n IN LISTS next)
      if(NOT n IN_LIST seen)
        list(APPEND seen ${n})
        list(APPEND todo ${n})
      endif()
    endforeach()
  endwhile()
  set(${out} "${seen}" PARENT_SCOPE)
endfunction()

function(ember_add_component name)
  cmake_parse_arguments(ARG "INTERNAL_OBJECTS" "TYPE" "DEPENDS;PRIVATE_DEPENDS;SOURCES" ${ARGN})
  set(known FALSE)
  foreach(edge IN LISTS EMBER_COMPONENT_EDGES)
    if(edge MATCHES "^${name}:")
      set(known TRUE)
    endif()
  endforeach()
  if(NOT known)
    message(FATAL_ERROR "ember_add_component(${name}): not a component of docs/ARCHITECTURE.md; add its edges to EMBER_COMPONENT_EDGES first")
  endif()

  _ember_component_reach(${name} reach)
  set(declared "")
  foreach(dep IN LISTS ARG_DEPENDS ARG_PRIVATE_DEPENDS)
    if(dep MATCHES "::")
      list(APPEND declared ${dep})
    else()
      if(NOT dep IN_LIST reach)
        message(FATAL_ERROR "ember_add_component(${name}): may not depend on '${dep}' (it may use: ${reach}); see docs/ARCHITECTURE.md")
      endif()
      list(APPEND declared ember::${dep} ember_${dep})
    endif()
  endforeach()

  if(NOT ARG_TYPE)
    set(ARG_TYPE SHARED)
  endif()
  set(target ember_${name})
  string(TOUPPER ${name} upper)
  if(ARG_INTERNAL_OBJECTS)
    set(objects ${target}_internal)
    add_library(${objects} OBJECT ${ARG_SOURCES})
    set_target_properties(${objects} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    # What CMake defines for a shared library's own sources: exports on.
    target_compile_definitions(${objects} PRIVATE ${target}_EXPORTS)
    target_include_directories(${objects} PUBLIC
      ${CMAKE_CURRENT_SOURCE_DIR}/include ${CMAKE_CURRENT_BINARY_DIR}/include ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_compile_features(${objects} PUBLIC cxx_std_20)
    ember_target_defaults(${objects})
    add_library(${target} ${ARG_TYPE} $<TARGET_OBJECTS:${objects}>)
  else()
    add_library(${target} ${ARG_TYPE} ${ARG_SOURCES})
  endif()
  add_library(ember::${name} ALIAS ${target})
  generate_export_header(${target}
    BASE_NAME EMBER_${upper}
    EXPORT_FILE_NAME ${CMAKE_CURRENT_BINARY_DIR}/include/ember/${name}/export.hpp)
  if(ARG_TYPE STREQUAL "STATIC")
    target_compile_definitions(${target} PUBLIC EMBER_${upper}_STATIC_DEFINE)
  endif()
  target_include_directories(${target}
    PUBLIC
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
      $<BUILD_INTERFACE:${CMAKE_CURRENT_BINARY_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE src)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set(linked_targets ${target})
  if(ARG_INTERNAL_OBJECTS)
    list(APPEND linked_targets ${objects})
  endif()
  set(PUBLIC_deps ${ARG_DEPENDS})
  set(PRIVATE_deps ${ARG_PRIVATE_DEPENDS})
  foreach(t IN LISTS linked_targets)
    foreach(scope IN ITEMS PUBLIC PRIVATE)
      foreach(dep IN LISTS ${scope}_deps)
        if(NOT dep MATCHES "::")
          set(dep ember::${dep}) # a component
        endif()
        target_link_libraries(${t} ${scope} ${dep})
      endforeach()
    endforeach()
  endforeach()
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${target}
    VERSION ${PROJECT_VERSION}
    SOVERSION 0
    EMBER_DECLARED_DEPENDS "${declared}")
  ember_target_defaults(${target})

  install(TARGETS ${target} EXPORT ember-targets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/include/ember/${name}/export.hpp
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ember/${name})

  set_property(GLOBAL APPEND PROPERTY EMBER_COMPONENTS ${name})
  # The check runs at the end of the top directory's configuration, after
  # every target_link_libraries anyone might add.
  get_property(armed GLOBAL PROPERTY EMBER_COMPONENT_CHECK_ARMED)
  if(NOT armed)
    set_property(GLOBAL PROPERTY EMBER_COMPONENT_CHECK_ARMED TRUE)
    cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _ember_check_components)
  endif()
endfunction()

# Fails configuration when a component links what it did not declare.
function(_ember_check_components)
  get_property(components GLOBAL PROPERTY EMBER_COMPONENTS)
  foreach(name IN LISTS components)
    set(target ember_${name})
    get_target_property(declared ${target} EMBER_DECLARED_DEPENDS)
    get_target_property(linked ${target} LINK_LIBRARIES)
    if(NOT linked)
      continue()
    endif()
    foreach(lib IN LISTS linked)
      if(lib MATCHES "^\\$<" OR lib STREQUAL "")
        continue() # generator expressions (e.g. sanitizer flags) are not dependencies
      endif()
      if(NOT lib IN_LIST declared)
        message(FATAL_ERROR "component '${name}' links '${lib}', which its ember_add_component call does not declare (declared: ${declared}); see docs/ARCHITECTURE.md")
      endif()
    endforeach()
  endforeach()
endfunction()

# ember_allow_links(target lib...): fails configuration when `target`
# reaches any of Ember's own libraries (targets named ember_*) other than
# `lib...`, directly or through any target it links. Programs are no
# components, so this holds them to docs/ARCHITECTURE.md: ember-observer
# links the Observer's libraries, the client, the renderers, the protocol
# and the terms, and so never the runtime. An allow list rather than a
# deny list, so a new library is refused until someone says it may come.
function(ember_allow_links target)
  set_property(TARGET ${target} APPEND PROPERTY EMBER_ALLOWED_LINKS ${ARGN})
  set_property(GLOBAL APPEND PROPERTY EMBER_RESTRICTED_TARGETS ${target})
  get_property(armed GLOBAL PROPERTY EMBER_ALLOW_CHECK_ARMED)
  if(NOT armed)
    set_property(GLOBAL PROPERTY EMBER_ALLOW_CHECK_ARMED TRUE)
    cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _ember_check_allowed_links)
  endif()
endfunction()

# Every target `target` links, transitively (aliases resolved; $<LINK_ONLY:x>
# is x; other generator expressions, such as sanitizer flags, are skipped).
function(_ember_link_closure target out)
  set(seen "")
  set(todo ${target})
  while(todo)
    list(POP_FRONT todo current)
    if(current MATCHES "^\\$<LINK_ONLY:(.+)>$")
      set(current ${CMAKE_MATCH_1})
    endif()
    if(NOT TARGET ${current})
      continue()
    endif()
    get_target_property(aliased ${current} ALIASED_TARGET)
    if(aliased)
      set(current ${aliased})
    endif()
    if(current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${current})
    foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(libs ${current} ${property})
      if(libs)
        list(APPEND todo ${libs})
      endif()
    endforeach()
  endwhile()
  set(${out} "${seen}" PARENT_SCOPE)
endfunction()

function(_ember_check_allowed_links)
  get_property(targets GLOBAL PROPERTY EMBER_RESTRICTED_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(allowed ${target} EMBER_ALLOWED_LINKS)
    _ember_link_closure(${target} closure)
    foreach(lib IN LISTS closure)
      if(lib MATCHES "^ember_" AND NOT lib IN_LIST allowed)
        message(FATAL_ERROR "'${target}' links '${lib}', which docs/ARCHITECTURE.md does not allow it (allowed: ${allowed})")
      endif()
    endforeach()
  endforeach()
endfunction()
