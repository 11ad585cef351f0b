package execrunner_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/gate/execrunner"
)

// writes records each Write call, so the tests can see that output arrives
// one whole line at a time, and tells when a given line has arrived.
type writes struct {
	mu      sync.Mutex
	calls   []string
	waitFor string
	seen    chan struct{}
}

func newWrites(waitFor string) *writes {
	return &writes{waitFor: waitFor, seen: make(chan struct{})}
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, string(p))
	if w.waitFor != "" && string(p) == w.waitFor+"\n" {
		close(w.seen)
		w.waitFor = ""
	}
	return len(p), nil
}

func (w *writes) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.calls...)
}

// script writes an executable shell script, as a project's bin/migrate would be.
func script(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "migrate.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunExitStatus(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantCode  int
		wantErr   string
		wantLines []string
	}{
		{
			name: "success, stdout and stderr interleaved in order",
			body: `echo "== 20240501 AddNotes: migrating"
echo "WARNING: lock_timeout is 0" >&2
echo "== 20240501 AddNotes: migrated"
printf 'no newline at the end'`,
			wantCode: 0,
			wantLines: []string{
				"== 20240501 AddNotes: migrating\n",
				"WARNING: lock_timeout is 0\n",
				"== 20240501 AddNotes: migrated\n",
				"no newline at the end\n",
			},
		},
		{
			name: "migration fails with exit 3",
			body: `echo "== AddIndex: migrating"
echo "PG::LockNotAvailable: ERROR: canceling statement due to lock timeout" >&2
exit 3`,
			wantCode: 3,
			wantLines: []string{
				"== AddIndex: migrating\n",
				"PG::LockNotAvailable: ERROR: canceling statement due to lock timeout\n",
			},
		},
		{
			name: "killed by a signal",
			body: `echo "about to be OOM-killed"
kill -KILL $$`,
			wantCode:  128 + 9,
			wantErr:   "was killed by signal SIGKILL",
			wantLines: []string{"about to be OOM-killed\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := script(t, tt.body)
			out := newWrites("")
			code, err := execrunner.Run(context.Background(), []string{path}, nil, out)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tt.wantErr != "" && (err == nil || err.Error() != path+" "+tt.wantErr):
				t.Errorf("error = %v, want %q", err, path+" "+tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantLines, out.lines()); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
		})
	}
}

// processGone reports whether pid has ended; a zombie waiting for its new
// parent to reap it has ended too.
func processGone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == syscall.ESRCH
	}
	// The state follows the parenthesized command name.
	rest := string(stat[strings.LastIndexByte(string(stat), ')')+1:])
	return strings.HasPrefix(strings.TrimSpace(rest), "Z")
}

func TestRunCanceled(t *testing.T) {
	const child = "sleep 30 &\necho $! > \"$PIDFILE\"\n"
	tests := []struct {
		name     string
		prelude  string // runs before "started" is printed and the run is canceled
		body     string
		grace    time.Duration
		wantCode int
		wantErr  string
		wantLast string
	}{
		{
			name:     "SIGTERM stops the process group",
			prelude:  child,
			body:     `sleep 30`,
			grace:    5 * time.Second,
			wantCode: 128 + 15,
			wantErr:  "canceled (context canceled): it was stopped by SIGTERM, its end was not seen",
		},
		{
			// The background child inherits the ignored SIGTERM too: only the
			// group-wide SIGKILL ends it.
			name:     "SIGKILL after the grace period when SIGTERM is ignored",
			prelude:  "trap '' TERM\n" + child,
			body:     `while :; do sleep 0.05; done`,
			grace:    300 * time.Millisecond,
			wantCode: 128 + 9,
			wantErr:  "canceled (context canceled): it was stopped by SIGKILL, its end was not seen",
		},
		{
			name:     "a clean exit on SIGTERM is still not success",
			prelude:  child + `trap 'echo "interrupted, rolling back"; exit 0' TERM`,
			body:     `while :; do sleep 0.05; done`,
			grace:    5 * time.Second,
			wantCode: 1,
			wantErr:  "canceled (context canceled): it exited with code 0 after SIGTERM",
			wantLast: "interrupted, rolling back\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "child.pid")
			path := script(t, tt.prelude+"\necho started\n"+tt.body)
			env := []string{"PATH=" + os.Getenv("PATH"), "PIDFILE=" + pidFile}
			out := newWrites("started")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-out.seen
				cancel() // what SIGINT does in the gate command
			}()
			start := time.Now()
			code, err := execrunner.RunWithGrace(ctx, []string{path}, env, out, tt.grace)
			if elapsed := time.Since(start); elapsed > 4*time.Second {
				t.Errorf("cancel took %v", elapsed)
			}
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if want := path + " " + tt.wantErr; err == nil || err.Error() != want {
				t.Errorf("error = %v, want %q", err, want)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v does not wrap context.Canceled", err)
			}
			if tt.wantLast != "" {
				if l := out.lines(); l[len(l)-1] != tt.wantLast {
					t.Errorf("last line = %q, want %q", l[len(l)-1], tt.wantLast)
				}
			}
			raw, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatal(err)
			}
			pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(2 * time.Second)
			for !processGone(pid) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if !processGone(pid) {
				t.Errorf("background child %d survived the cancel", pid)
			}
		})
	}
}

func TestRunNotStarted(t *testing.T) {
	noExec := filepath.Join(t.TempDir(), "migrate.sh")
	if err := os.WriteFile(noExec, []byte("#!/bin/sh\necho hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		argv     []string
		wantCode int
		wantErr  string
	}{
		{"not on PATH", context.Background(), []string{"schemagate-no-such-migrator", "up"}, 127, "command not found: schemagate-no-such-migrator"},
		{"missing path", context.Background(), []string{"./bin/no-such-migrate"}, 127, "command not found: ./bin/no-such-migrate"},
		{"not executable", context.Background(), []string{noExec}, 126, noExec + ": permission denied"},
		{"no command", context.Background(), nil, 1, "no command given"},
		{"already canceled", canceled, []string{"true"}, 1, "true not started: context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := newWrites("")
			code, err := execrunner.Run(tt.ctx, tt.argv, nil, out)
			if code != tt.wantCode || err == nil || err.Error() != tt.wantErr {
				t.Errorf("Run = %d, %v; want %d, %q", code, err, tt.wantCode, tt.wantErr)
			}
			if l := out.lines(); len(l) != 0 {
				t.Errorf("output from a command that did not run: %q", l)
			}
		})
	}
}

func TestRunEnvironment(t *testing.T) {
	t.Setenv("SCHEMAGATE_INHERITED", "from-parent")
	path := script(t, `echo "inherited=$SCHEMAGATE_INHERITED skip=$SKIP_POST_DEPLOYMENT_MIGRATIONS"`)

	out := newWrites("")
	if code, err := execrunner.Run(context.Background(), []string{path}, nil, out); code != 0 || err != nil {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if diff := cmp.Diff([]string{"inherited=from-parent skip=\n"}, out.lines()); diff != "" {
		t.Errorf("nil env (-want +got):\n%s", diff)
	}

	out = newWrites("")
	env := []string{"PATH=" + os.Getenv("PATH"), "SKIP_POST_DEPLOYMENT_MIGRATIONS=true"}
	if code, err := execrunner.Run(context.Background(), []string{path}, env, out); code != 0 || err != nil {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if diff := cmp.Diff([]string{"inherited= skip=true\n"}, out.lines()); diff != "" {
		t.Errorf("explicit env (-want +got):\n%s", diff)
	}
}

func TestRunLongLineIsSplit(t *testing.T) {
	// 100000 bytes without a newline, then a normal line.
	path := script(t, `head -c 100000 /dev/zero | tr '\0' x; echo; echo done`)
	out := newWrites("")
	if code, err := execrunner.Run(context.Background(), []string{path}, nil, out); code != 0 || err != nil {
		t.Fatalf("Run = %d, %v", code, err)
	}
	total := 0
	for _, l := range out.lines() {
		if !strings.HasSuffix(l, "\n") || strings.Count(l, "\n") != 1 {
			t.Errorf("write %.20q... is not one line", l)
		}
		if len(l) > 64<<10+1 {
			t.Errorf("write of %d bytes exceeds the line bound", len(l))
		}
		total += strings.Count(l, "x")
	}
	if l := out.lines(); total != 100000 || l[len(l)-1] != "done\n" {
		t.Errorf("got %d x's and last line %q; want 100000 and done", total, l[len(l)-1])
	}
}
