package lintcache

import (
	"io/fs"
	"syscall"
)

// statOf is an entry's modification and change times (nanoseconds),
// inode and device.
func statOf(info fs.FileInfo) ([4]int64, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return [4]int64{}, false
	}
	return [4]int64{st.Mtim.Nano(), st.Ctim.Nano(), int64(st.Ino), int64(st.Dev)}, true
}
