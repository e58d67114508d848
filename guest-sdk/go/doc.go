// Package slotbox is the Go SDK for Slotbox apps: it turns a Go value that
// implements one or more service interfaces (Calendar, CRM, Payment, Video,
// Analytics, Automation, KeysChecker) into a WebAssembly module that speaks
// the slotbox/1 guest ABI, and it wraps the host functions an app may call
// (Fetch, Vault, KVGet, KVSet, KVDelete, Log).
//
// An app is a main package that registers itself in init and has an empty
// main; Go's c-shared (reactor) build runs package initialisation in the
// module's _initialize export and never runs main:
//
//	type app struct{}
//
//	func (app) ListCalendars(ctx context.Context, in *abi.CalendarListCalendarsInput) ([]abi.IntegrationCalendar, error) {
//		return []abi.IntegrationCalendar{{ExternalID: "primary", Name: "Work"}}, nil
//	}
//
//	func init() { slotbox.Register(app{}) }
//	func main() {}
//
// Build it with standard Go:
//
//	GOOS=wasip1 GOARCH=wasm go build -trimpath -buildmode=c-shared -o app.wasm .
//
// Methods an app does not implement answer NOT_IMPLEMENTED, input that does
// not decode answers INVALID_INPUT, an *Error returned by a method keeps its
// code, any other error answers CodeInternal, and a Go panic in a method
// answers CodeInternal too (after its stack is logged) instead of trapping.
// What recover cannot catch still traps and costs the instance: a panic in a
// goroutine the app started, and fatal runtime errors such as running out
// of memory.
//
// The package builds on every platform: the wasm exports and imports live
// behind the wasip1 build tag, and a Mux can be driven natively, with a fake
// host from package slotboxtest, so apps are unit-tested with plain go test.
//
// Plain *http.Client support lives in the sub-package slotboxhttp, because
// importing net/http adds megabytes to every module that links it.
package slotbox
