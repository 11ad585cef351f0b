//go:build linux && cgo

package sqlparse

/*
#include <malloc.h>

// keepParserHeap has glibc keep the memory PostgreSQL's parser frees
// for its next parse: by default it hands the top of the heap back to
// the system after every parse and maps each large block afresh, and the
// page faults and TLB flushes of that were a tenth of a lint's CPU time
// (2,000 files parsed one by one). The heap stays at what the largest
// parse needed, which it reached anyway.
static void keepParserHeap(void) {
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}
*/
import "C"

func init() { C.keepParserHeap() }
