//go:build !linux

package diskcache

import "os"

// mapFile reads the size bytes of f: mapped only on Linux.
func mapFile(f *os.File, size int64) (data []byte, unmap func(), err error) {
	return readFile(f, size)
}
