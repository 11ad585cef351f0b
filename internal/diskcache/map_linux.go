package diskcache

import (
	"os"
	"syscall"
)

// mapFile maps the size bytes of f into memory, read only, its pages
// read in at once (MAP_POPULATE): one call instead of a fault per page.
// unmap releases them.
func mapFile(f *os.File, size int64) (data []byte, unmap func(), err error) {
	if size == 0 {
		return nil, func() {}, nil
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		return readFile(f, size)
	}
	return data, func() { _ = syscall.Munmap(data) }, nil
}
