//go:build linux && cgo

package sqlparse

/*
#include <malloc.h>

// keepParserHeap has glibc keep the memory PostgreSQL's parser frees
// for its next parse: by default it hands the top of the heap back to
// the system after every parse and maps large blocks afresh, and the
// page faults and TLB flushes of that were a tenth of a lint's CPU time
// (2,000 files parsed one by one). Up to 2 MB free is kept per arena,
// blocks under 1 MB come from the heap (a parse of a file, or of a long
// file's 32 KB chunk, needs less), and there are no more arenas than
// threads parsing at once, so that what is kept stays small.
static void keepParserHeap(int arenas) {
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 2 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_ARENA_MAX, arenas);
#endif
}
*/
import "C"

import "runtime"

func init() { C.keepParserHeap(C.int(max(2, runtime.GOMAXPROCS(0)))) }
