# The commit this build comes from, for `renkei version`, /healthz and renkei_build_info:
# RENKEI_GIT_COMMIT (short hash), "unknown" outside a git checkout; -DRENKEI_GIT_COMMIT=… sets it
# for builds from a tarball. CMake configures again when HEAD moves, so the hash stays current.
if(NOT RENKEI_GIT_COMMIT)
  execute_process(COMMAND git -C "${CMAKE_SOURCE_DIR}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE renkei_commit OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE renkei_git_failed ERROR_QUIET)
  execute_process(COMMAND git -C "${CMAKE_SOURCE_DIR}" rev-parse --absolute-git-dir
                  OUTPUT_VARIABLE renkei_git_dir OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND git -C "${CMAKE_SOURCE_DIR}" symbolic-ref -q HEAD
                  OUTPUT_VARIABLE renkei_git_ref OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(renkei_git_failed OR NOT renkei_commit)
    set(renkei_commit "unknown")
  endif()
  foreach(watched HEAD packed-refs ${renkei_git_ref})
    if(renkei_git_dir AND EXISTS "${renkei_git_dir}/${watched}")
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${renkei_git_dir}/${watched}")
    endif()
  endforeach()
else()
  set(renkei_commit "${RENKEI_GIT_COMMIT}")
endif()
