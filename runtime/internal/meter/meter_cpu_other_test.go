//go:build !linux

package meter

import "time"

// threadCPU is not available here; benchmarks then report no CPU metric.
func threadCPU() time.Duration { return 0 }
