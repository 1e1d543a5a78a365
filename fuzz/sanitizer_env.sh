# Sourced by fuzz/run.sh and scripts/check_asan.sh: how every program of the sanitizer build
# reports. Any report fails (UBSan does not recover: -fno-sanitize-recover), with a stack;
# what is genuinely in system libraries is named in fuzz/ubsan_ignorelist.txt (compile time)
# and fuzz/lsan.supp, each entry explained.
# exitcode=86: a report is told apart from a program's own exit 1, which tests of refusals expect.
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# intercept_strndup=0: libmagic (file 5.44) strndup()s a buffer it allocated itself with no NUL
# inside the length it passes; C allows it, but strict_string_checks then reports a read past the
# buffer (make check-asan on HttpFiles.RandomMutationsGiveEveryFileBack). Our code calls no
# strndup; every other string function stays strictly checked.
export ASAN_OPTIONS="exitcode=86:detect_leaks=1:strict_string_checks=1:intercept_strndup=0:detect_stack_use_after_return=1:check_initialization_order=1:abort_on_error=0"
export UBSAN_OPTIONS="exitcode=86:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$fuzz_dir/lsan.supp:print_suppressions=0"
