/*
 * fuzz_dsl.c - libFuzzer target: arbitrary bytes through the policy
 * language path of frontend_load_buffer (input checks, scanner, parser
 * with error recovery, constructors) and the diagnostic printer.
 */
#include "tests/fuzz/fuzz_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_load("fuzz.np", data, size);
}
