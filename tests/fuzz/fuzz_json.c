/*
 * fuzz_json.c - libFuzzer target: arbitrary bytes through the JSON path of
 * frontend_load_buffer (input checks, reader, Kubernetes and Calico
 * lowering) and the diagnostic printer.
 */
#include "tests/fuzz/fuzz_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_load("fuzz.json", data, size);
}
