package runtime

import (
	"errors"
	"reflect"
	"unsafe"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero/api"
)

// pluginMainModule returns the wazero module of a plugin's main wasm.
//
// go-sdk v1.7.1 keeps it in the unexported field Plugin.mainModule and hands
// host functions no calling module, yet the Extism path needs it for what the
// native path reads from its own module: the metering's fuel and depth
// globals (set before each call, read after it and in refuel), the guest
// memory the MEMORY_LIMIT check and the idle-memory budget measure, and
// IsClosed after a WASI proc_exit the go-sdk reports as success. So it reads
// that one field, once per instance. TestExtismSDKLayout fails if an upgrade
// of the go-sdk renames or retypes it, and this returns an error rather than
// panicking.
func pluginMainModule(p *extism.Plugin) (api.Module, error) {
	f := reflect.ValueOf(p).Elem().FieldByName("mainModule")
	if !f.IsValid() || f.Type() != reflect.TypeFor[api.Module]() {
		return nil, errors.New("extism go-sdk: Plugin has no mainModule field of type api.Module (was the go-sdk upgraded?)")
	}
	mod, _ := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(api.Module)
	if mod == nil {
		return nil, errors.New("extism go-sdk: plugin has no main module")
	}
	return mod, nil
}
