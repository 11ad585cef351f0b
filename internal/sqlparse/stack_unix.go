//go:build unix

package sqlparse

import "syscall"

// threadStack is the C stack a thread gets: glibc gives new threads the
// soft RLIMIT_STACK, or 2 MB when it is unlimited.
func threadStack() int64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_STACK, &r); err != nil || r.Cur == ^uint64(0) || r.Cur > 1<<40 {
		return 2 << 20
	}
	return int64(r.Cur)
}
