package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	extism "github.com/extism/go-sdk"
	"github.com/slotbox/slotbox/abi"
)

// instantiateExtism creates an instance of an Extism app: a go-sdk plugin
// instance (kernel plus main module) with Slotbox's WASI, its unsafe
// defaults overridden. Nothing of the guest runs here: the upload rewrite
// turned any start function into _initialize, which the go-sdk runs inside
// the first call, under that call's limits.
func (p *pool) instantiateExtism(ctx context.Context, st *callState) (*instance, error) {
	a := p.app
	e := a.engine
	x := a.ext
	if !x.acquire() {
		return nil, errors.New("app version is closed")
	}
	in := &instance{pool: p, state: st}
	st.inst = in
	plugin, err := x.compiled.Instance(st.withState(ctx), extism.PluginInstanceConfig{ModuleConfig: in.moduleConfig()})
	if err != nil {
		x.release(ctx)
		return nil, fmt.Errorf("instantiate plugin of app[%s]: %w", a.sha256[:12], err)
	}
	mod, err := pluginMainModule(plugin)
	if err != nil {
		_ = plugin.Close(ctx)
		x.release(ctx)
		return nil, err
	}
	// Nothing reaches these (the kernel functions that read them are
	// Slotbox's or refused at upload); they are cleared so that no go-sdk
	// default ever applies.
	plugin.AllowedHosts = nil
	plugin.AllowedPaths = nil
	plugin.Config = nil
	plugin.Timeout = 0
	plugin.MaxHttpResponseBytes = 0
	plugin.MaxVarBytes = extismMaxVarBytes
	plugin.SetLogger(func(extism.LogLevel, string) {})
	in.mod = mod
	in.ext = &extismInstance{app: x, plugin: plugin}
	if err := in.bindMeter(); err != nil {
		_ = plugin.Close(ctx)
		x.release(ctx)
		return nil, err
	}
	e.mu.Lock()
	e.live++
	e.mu.Unlock()
	return in, nil
}

// close closes the plugin instance (kernel and main module).
func (x *extismInstance) close(ctx context.Context) {
	_ = x.plugin.Close(ctx)
	x.app.release(ctx)
}

// invokeExtism runs one method on an Extism instance: the export named
// after the method, with the input JSON as the plugin's input and the
// plugin's output as the method's result. healthy is false when the
// instance must go.
func (in *instance) invokeExtism(st *callState, method string, input []byte) (env abi.Envelope, healthy bool) {
	x := in.ext
	e := in.pool.app.engine
	name, ok := exportOfMethod(method)
	if !ok || !x.app.methods[name] {
		return abi.ErrorEnvelope(abi.Errorf(abi.CodeNotImplemented, "the plugin does not export a function for %s", method)), true
	}
	x.stop = nil
	st.arm()
	rc, out, err := x.plugin.CallWithContext(st.ctx, name, input)
	st.disarm()
	switch {
	case err != nil:
		if msg, isApp := x.pluginError(st.ctx, err); isApp {
			if len(msg) > e.cfg.maxOutput {
				return abi.ErrorEnvelope(abi.Errorf(abi.CodeOutputTooLarge, "error message is %d bytes, over the limit of %d", len(msg), e.cfg.maxOutput)), false
			}
			return abi.ErrorEnvelope(extismAppError(msg)), true
		}
		return abi.ErrorEnvelope(in.extismFailure(err, st, "call")), false
	case in.mod.IsClosed():
		// The go-sdk reports a WASI proc_exit(0) as success.
		return abi.ErrorEnvelope(abi.Errorf(abi.CodeTrap, "call: guest exited during the call")), false
	case rc != 0:
		return abi.ErrorEnvelope(&abi.Error{Code: abi.CodeAppError, AppCode: "UNKNOWN",
			Message: fmt.Sprintf("%s returned %d without an error message", name, rc)}), true
	case len(out) > e.cfg.maxOutput:
		return abi.ErrorEnvelope(abi.Errorf(abi.CodeOutputTooLarge, "output is %d bytes, over the limit of %d", len(out), e.cfg.maxOutput)), false
	case len(out) == 0:
		return abi.ErrorEnvelope(abi.Errorf(abi.CodeBadOutput, "%s set no output; a method's result must be JSON", name)), false
	case !utf8.Valid(out) || !json.Valid(out):
		return abi.ErrorEnvelope(abi.Errorf(abi.CodeBadOutput, "output of %s is not UTF-8 JSON", name)), false
	}
	if e.cfg.validateResults {
		if _, known := abi.LookupMethod(method); known {
			if err := abi.ValidateResult(method, out); err != nil {
				return abi.ErrorEnvelope(abi.Errorf(abi.CodeBadOutput, "result does not match the schema of %s: %v", method, err)), false
			}
		}
	}
	return abi.Envelope{OK: out}, true
}

// pluginError tells an error the plugin set with error_set (the go-sdk
// returns it as errors.New(message)) from a trap. A trap's message always
// carries wazero's "(recovered by wazero)", which the comparison excludes,
// so a guest cannot pass a trap off as its own error and keep a broken
// instance in the pool.
func (x *extismInstance) pluginError(ctx context.Context, err error) (string, bool) {
	if x.stop != nil {
		return "", false
	}
	msg := x.plugin.GetErrorWithContext(ctx)
	if msg == "" || msg != err.Error() || strings.Contains(msg, "(recovered by wazero)") {
		return "", false
	}
	return msg, true
}

// extismAppError maps an error message set by a plugin to the error a
// caller sees: a JSON {"code","message","retryable"} object is read as a
// slotbox/1 guest error (its code kept in AppCode), anything else is the
// message of an APP_ERROR.
func extismAppError(msg string) *abi.Error {
	var ge abi.Error
	if strings.HasPrefix(strings.TrimSpace(msg), "{") && json.Unmarshal([]byte(msg), &ge) == nil && ge.Code != "" {
		return abi.FromGuest(&ge)
	}
	return &abi.Error{Code: abi.CodeAppError, Message: msg}
}

// extismFailure maps what stopped an Extism guest to the error a caller
// sees: the reason a host function recorded first (the go-sdk loses the
// wrapping of errors raised during _initialize), then the kernel's memory,
// then the deadline, then classify's rules for the main module.
func (in *instance) extismFailure(err error, st *callState, phase string) *abi.Error {
	x := in.ext
	limit := in.pool.app.engine.cfg.memoryPages() * pageSize
	switch {
	case x.stop != nil && errors.Is(x.stop, errKernelMemory):
		return abi.Errorf(abi.CodeMemoryLimit, "%s: %v", phase, x.stop)
	case errors.Is(x.stop, errVarsFull):
		return abi.Errorf(abi.CodeMemoryLimit, "%s: %v", phase, x.stop)
	case x.stop != nil:
		err = x.stop
	case x.exhausted(limit):
		return abi.Errorf(abi.CodeMemoryLimit, "%s: the Extism kernel's memory is at the limit (%s)", phase, firstLine(err.Error()))
	case time.Now().After(st.deadline):
		err = errDeadline
	}
	return classify(err, st, in, phase)
}
