package pgdb

import "syscall"

// setParentDeathSignal makes the kernel stop the server (immediate
// shutdown) if schemagate dies without stopping it, e.g. on SIGKILL.
func setParentDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGQUIT
}
