//go:build linux

package meter

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU returns the CPU time the calling OS thread has used, or 0 when
// it cannot be read. Benchmarks lock their goroutine to its thread and
// report this beside wall time: on a shared machine it leaves out the time
// other processes hold the CPU.
func threadCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
