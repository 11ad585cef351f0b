//go:build unix && !linux

package pgdb

import "syscall"

// setParentDeathSignal: only Linux has a parent-death signal.
func setParentDeathSignal(*syscall.SysProcAttr) {}

// runsIn cannot tell a process's working directory here: a stale
// server is left running rather than a stranger killed.
func runsIn(int, string) bool { return false }
