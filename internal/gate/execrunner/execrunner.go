// Package execrunner runs a local command as the migration runner of
// `schemagate gate exec`: it streams the command's output, returns its exit
// status, and on cancellation stops the whole process group, politely first.
package execrunner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// DefaultGrace is how long Run waits after SIGTERM before SIGKILL.
const DefaultGrace = 10 * time.Second

// Exit codes for commands that never ran, as POSIX shells report them.
const (
	ExitNotFound      = 127
	ExitCannotExecute = 126
)

// Run runs argv with environment env (nil inherits this process's) and
// writes its combined stdout and stderr to out line by line. It returns the
// command's exit code; err is nil only when the command ran to its own end.
// A command killed by a signal gets 128+signal and an error. When ctx is
// canceled the command's process group gets SIGTERM, then SIGKILL after
// DefaultGrace; a canceled run never returns code 0.
func Run(ctx context.Context, argv []string, env []string, out io.Writer) (exitCode int, err error) {
	return RunWithGrace(ctx, argv, env, out, DefaultGrace)
}

// RunWithGrace is Run with the SIGTERM-to-SIGKILL grace period given.
func RunWithGrace(ctx context.Context, argv []string, env []string, out io.Writer, grace time.Duration) (exitCode int, err error) {
	if len(argv) == 0 || argv[0] == "" {
		return 1, errors.New("no command given")
	}
	name := argv[0]
	if grace <= 0 {
		grace = DefaultGrace
	}
	if err := ctx.Err(); err != nil {
		return 1, fmt.Errorf("%s not started: %w", name, err)
	}
	lw := &lineWriter{out: out}
	cmd := exec.CommandContext(ctx, name, argv[1:]...)
	cmd.Env = env
	cmd.Stdout = lw // the same writer for both: one pipe, output kept in order
	cmd.Stderr = lw
	// Its own process group, so the migration and whatever it spawns can be
	// signaled together, and a terminal's Ctrl-C reaches only schemagate.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
	// After the grace, exec kills the leader and stops waiting for output
	// held open by stray children; the rest of the group is killed below.
	cmd.WaitDelay = grace

	if err := cmd.Start(); err != nil {
		switch {
		case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
			return ExitNotFound, fmt.Errorf("command not found: %s", name)
		case errors.Is(err, fs.ErrPermission):
			return ExitCannotExecute, fmt.Errorf("%s: permission denied", name)
		}
		return ExitCannotExecute, fmt.Errorf("starting %s: %w", name, err)
	}
	pgid := cmd.Process.Pid
	werr := cmd.Wait()
	lw.flush()
	canceled := ctx.Err() != nil
	if canceled {
		// Whatever of the group outlived its leader goes too.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}

	state := cmd.ProcessState
	if state == nil {
		return 1, fmt.Errorf("%s: %w", name, werr)
	}
	ws, ok := state.Sys().(syscall.WaitStatus)
	if !ok {
		return 1, fmt.Errorf("%s: unknown wait status %v", name, state)
	}
	switch {
	case ws.Signaled():
		code := 128 + int(ws.Signal())
		if canceled {
			return code, fmt.Errorf("%s canceled (%w): it was stopped by %s, its end was not seen", name, context.Cause(ctx), signalName(ws.Signal()))
		}
		return code, fmt.Errorf("%s was killed by signal %s", name, signalName(ws.Signal()))
	case canceled:
		code := ws.ExitStatus()
		if code == 0 {
			code = 1 // it may have stopped short on SIGTERM; success is not proven
		}
		return code, fmt.Errorf("%s canceled (%w): it exited with code %d after SIGTERM", name, context.Cause(ctx), ws.ExitStatus())
	}
	return ws.ExitStatus(), nil
}

var signalNames = map[syscall.Signal]string{
	syscall.SIGHUP: "SIGHUP", syscall.SIGINT: "SIGINT", syscall.SIGQUIT: "SIGQUIT",
	syscall.SIGILL: "SIGILL", syscall.SIGTRAP: "SIGTRAP", syscall.SIGABRT: "SIGABRT",
	syscall.SIGBUS: "SIGBUS", syscall.SIGFPE: "SIGFPE", syscall.SIGKILL: "SIGKILL",
	syscall.SIGUSR1: "SIGUSR1", syscall.SIGSEGV: "SIGSEGV", syscall.SIGUSR2: "SIGUSR2",
	syscall.SIGPIPE: "SIGPIPE", syscall.SIGALRM: "SIGALRM", syscall.SIGTERM: "SIGTERM",
	syscall.SIGXCPU: "SIGXCPU", syscall.SIGXFSZ: "SIGXFSZ",
}

func signalName(s syscall.Signal) string {
	if n, ok := signalNames[s]; ok {
		return n
	}
	return fmt.Sprintf("%d (%v)", int(s), s)
}

// maxLine bounds the buffer for output without newlines; longer runs are
// written in pieces.
const maxLine = 64 << 10

// lineWriter passes output on one whole line per Write, so lines from the
// command never interleave with the gate's own output mid-line.
type lineWriter struct {
	mu  sync.Mutex
	out io.Writer
	buf []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		// A failing out must not block the command: its pipe is drained regardless.
		_ = w.emit(w.buf[:i+1])
		w.buf = w.buf[i+1:]
	}
	for len(w.buf) >= maxLine {
		piece := make([]byte, maxLine+1)
		copy(piece, w.buf[:maxLine])
		piece[maxLine] = '\n'
		_ = w.emit(piece)
		w.buf = w.buf[maxLine:]
	}
	return len(p), nil
}

func (w *lineWriter) emit(line []byte) error {
	if w.out == nil {
		return nil
	}
	_, err := w.out.Write(line)
	return err
}

// flush writes a last line that had no newline.
func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		_ = w.emit(append(w.buf, '\n'))
		w.buf = nil
	}
}
