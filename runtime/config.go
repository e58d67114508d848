package runtime

import (
	"fmt"
	"time"
)

// Config holds the engine's limits. It is immutable: every With method
// returns a changed copy, so one Config can be shared and varied safely.
type Config struct {
	maxModuleSize   int
	memoryLimit     uint64
	maxInput        int
	maxOutput       int
	maxLog          int
	maxHostInput    int
	timeout         time.Duration
	fuel            int64
	fuelChunk       int64
	maxCallDepth    uint32
	maxTableEntries uint64
	validateResults bool
	// unmetered skips the metering rewrite; only tests set it, to check
	// that metering changes no result.
	unmetered        bool
	cacheDir         string
	maxIdlePerPool   int
	idleMemoryBudget uint64
	idleTimeout      time.Duration
}

// defaultConfig is what NewConfig returns; each value is explained in docs/runtime.md.
var defaultConfig = Config{
	maxModuleSize:    16 << 20,
	memoryLimit:      64 << 20,
	maxInput:         1 << 20,
	maxOutput:        1 << 20,
	maxLog:           64 << 10,
	maxHostInput:     2 << 20,
	timeout:          2 * time.Second,
	fuel:             20_000_000_000,
	fuelChunk:        1 << 20,
	maxCallDepth:     16384,
	maxTableEntries:  100_000,
	validateResults:  true,
	maxIdlePerPool:   4,
	idleMemoryBudget: 1 << 30,
	idleTimeout:      5 * time.Minute,
}

// NewConfig returns the default configuration.
func NewConfig() Config { return defaultConfig }

// WithMaxModuleSize caps the size of a module's bytes (default 16 MiB).
func (c Config) WithMaxModuleSize(n int) Config { c.maxModuleSize = n; return c }

// WithMemoryLimit caps a guest's linear memory in bytes, rounded down to
// 64 KiB pages (default 64 MiB).
func (c Config) WithMemoryLimit(n uint64) Config { c.memoryLimit = n; return c }

// WithMaxInput caps the input JSON of one call (default 1 MiB).
func (c Config) WithMaxInput(n int) Config { c.maxInput = n; return c }

// WithMaxOutput caps the envelope a call may return (default 1 MiB).
func (c Config) WithMaxOutput(n int) Config { c.maxOutput = n; return c }

// WithMaxLog caps the log bytes kept per call, stdout and stderr included
// (default 64 KiB).
func (c Config) WithMaxLog(n int) Config { c.maxLog = n; return c }

// WithTimeout sets the wall-clock limit of one call or instantiation
// (default 2 s). It is the backstop for time spent in host calls; CPU is
// bounded by fuel.
func (c Config) WithTimeout(d time.Duration) Config { c.timeout = d; return c }

// WithFuel sets the instruction budget of one call or instantiation
// (default 20G units; see docs/runtime.md for what a unit costs).
func (c Config) WithFuel(n int64) Config { c.fuel = n; return c }

// WithFuelChunk sets how much fuel a guest runs on before it hands control
// back to the host, which checks the deadline (default 1Mi units, well under
// a millisecond of guest time).
func (c Config) WithFuelChunk(n int64) Config { c.fuelChunk = n; return c }

// WithMaxCallDepth bounds the guest's call stack in frames (default 16384).
func (c Config) WithMaxCallDepth(n uint32) Config { c.maxCallDepth = n; return c }

// WithMaxTableEntries caps the declared size of a module's tables
// (default 100,000 entries; each costs 8 bytes of host memory).
func (c Config) WithMaxTableEntries(n uint64) Config { c.maxTableEntries = n; return c }

// WithResultValidation turns checking each result of a catalogue method
// against its JSON Schema on or off (default on; see docs/performance.md
// for its cost).
func (c Config) WithResultValidation(on bool) Config { c.validateResults = on; return c }

// WithCacheDir keeps compiled machine code in dir across restarts. The
// directory holds native code: it must be writable only by the server.
func (c Config) WithCacheDir(dir string) Config { c.cacheDir = dir; return c }

// WithMaxIdlePerPool caps idle instances kept per (app, installation)
// (default 4).
func (c Config) WithMaxIdlePerPool(n int) Config { c.maxIdlePerPool = n; return c }

// WithIdleMemoryBudget caps the linear memory of all idle instances together;
// past it the least recently used are closed (default 1 GiB).
func (c Config) WithIdleMemoryBudget(n uint64) Config { c.idleMemoryBudget = n; return c }

// WithIdleTimeout closes instances idle for longer than d (default 5 min).
func (c Config) WithIdleTimeout(d time.Duration) Config { c.idleTimeout = d; return c }

// Timeout returns the per-call wall-clock limit.
func (c Config) Timeout() time.Duration { return c.timeout }

// Fuel returns the per-call instruction budget.
func (c Config) Fuel() int64 { return c.fuel }

// MemoryLimit returns the guest memory cap in bytes.
func (c Config) MemoryLimit() uint64 { return c.memoryPages() * pageSize }

// MaxOutput returns the cap of a call's envelope in bytes.
func (c Config) MaxOutput() int { return c.maxOutput }

const pageSize = 65536

func (c Config) memoryPages() uint64 { return c.memoryLimit / pageSize }

func (c Config) validate() error {
	switch {
	case c.maxModuleSize <= 8:
		return fmt.Errorf("max module size %d is too small", c.maxModuleSize)
	case c.memoryPages() < 1 || c.memoryPages() > 65536:
		return fmt.Errorf("memory limit %d must be between 64 KiB and 4 GiB", c.memoryLimit)
	case c.maxInput <= 0 || c.maxOutput <= 0 || c.maxLog < 0 || c.maxHostInput <= 0:
		return fmt.Errorf("input, output and log caps must be positive")
	case c.timeout <= 0:
		return fmt.Errorf("timeout %s must be positive", c.timeout)
	case c.fuel <= 0 || c.fuelChunk <= 0:
		return fmt.Errorf("fuel %d and fuel chunk %d must be positive", c.fuel, c.fuelChunk)
	case c.maxIdlePerPool < 0:
		return fmt.Errorf("max idle per pool %d must not be negative", c.maxIdlePerPool)
	}
	return nil
}
