// Package apptest is the shared test harness of the first-party apps under
// apps/: it loads an app's BUILT module from testdata/wasm/apps, compiles it
// in runtime.Engine and calls it with the real host functions (hostfuncs/http
// and hostfuncs/vault over SQLite, or internal/devhost), so every app test
// exercises the module that ships. Tests run with the app's folder as their
// working directory; paths here are relative to it.
package apptest
