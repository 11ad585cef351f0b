//go:build !unix

package sqlparse

// threadStack assumes the 2 MB most platforms give a new thread.
func threadStack() int64 { return 2 << 20 }
