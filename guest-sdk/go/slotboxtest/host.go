// Package slotboxtest runs a Slotbox app natively, without wasm: Host is an
// in-memory slotbox host (key-value store, vault, HTTP through an
// http.Handler, captured log) that the SDK's host functions use when the
// context carries it.
//
//	host := &slotboxtest.Host{Vault: map[string]string{"api_key": "k"}}
//	mux := slotbox.NewMux()
//	mux.Register(app{})
//	env := mux.Call(host.Context(ctx), abi.MethodCalendarListCalendars, []byte(`{}`))
//
// Host also serves the host functions of a real module in a wazero test:
// Call takes and returns exactly the JSON of abi-v1 section 3.
package slotboxtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"unicode/utf8"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/guest-sdk/go/internal/hostapi"
)

// Host is an in-memory slotbox host. Set its exported fields before the
// first call; it is safe for concurrent use afterwards.
type Host struct {
	// Vault holds the credential fields vault_get reveals; a field that is
	// not in it answers PERMISSION_DENIED, like a field the manifest does
	// not list.
	Vault map[string]string
	// HTTP serves http_request; nil answers PERMISSION_DENIED.
	HTTP http.Handler
	// Credential is the bearer token attached to requests that ask for
	// "auth":"credential"; empty answers PERMISSION_DENIED.
	Credential string

	mu   sync.Mutex
	kv   map[string]kvEntry
	logs []LogLine
}

// LogLine is one line the app logged.
type LogLine struct {
	Level   abi.LogLevel
	Message string
}

// kvEntry is a stored value and the TTL it was set with.
type kvEntry struct {
	value      string
	ttlSeconds int64
}

// Context returns a copy of parent that routes the SDK's host functions to h.
func (h *Host) Context(parent context.Context) context.Context {
	return hostapi.WithHost(parent, h)
}

// SetKV stores value under key, as kv_set would.
func (h *Host) SetKV(key, value string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.setLocked(key, kvEntry{value: value})
}

// KV returns the value under key and the ttl_seconds it was last set with.
func (h *Host) KV(key string) (value string, ttlSeconds int64, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.kv[key]
	return e.value, e.ttlSeconds, ok
}

// Logs returns the lines logged so far.
func (h *Host) Logs() []LogLine {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]LogLine(nil), h.logs...)
}

// Log records one line, as the log import would.
func (h *Host) Log(level int32, msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logs = append(h.logs, LogLine{Level: abi.LogLevel(level), Message: string(msg)})
}

// errMalformed is what Call answers for input a real host would reject with
// a negative status.
var errMalformed = errors.New("malformed host call")

// Call serves one data-returning host function: fn is its import name, in
// its JSON input, and the result is the JSON envelope the guest fetches
// with take_result. Input that is not the function's JSON fails with an
// error, as a real host answers a negative status.
func (h *Host) Call(fn string, in []byte) ([]byte, error) {
	var (
		res any
		err error
	)
	switch fn {
	case abi.ImportKVGet:
		res, err = h.kvGet(in)
	case abi.ImportKVSet:
		res, err = h.kvSet(in)
	case abi.ImportKVDelete:
		res, err = h.kvDelete(in)
	case abi.ImportVaultGet:
		res, err = h.vaultGet(in)
	case abi.ImportHTTPRequest:
		res, err = h.httpRequest(in)
	default:
		return nil, fmt.Errorf("%w: unknown host function [%s]", errMalformed, fn)
	}
	if errors.Is(err, errMalformed) {
		return nil, err
	}
	var e *abi.Error
	if errors.As(err, &e) {
		return json.Marshal(abi.ErrorEnvelope(e))
	}
	if err != nil {
		return json.Marshal(abi.ErrorEnvelope(&abi.Error{Code: abi.CodeHostError, Message: err.Error()}))
	}
	env, err := abi.OKEnvelope(res)
	if err != nil {
		return nil, err
	}
	return json.Marshal(env)
}

// decode reads a host function's JSON input strictly.
func decode(in []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", errMalformed, err)
	}
	return nil
}

func (h *Host) kvGet(in []byte) (any, error) {
	var req struct {
		Key string `json:"key"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if e, ok := h.kv[req.Key]; ok {
		return map[string]any{"value": e.value}, nil
	}
	return map[string]any{"value": nil}, nil
}

func (h *Host) kvSet(in []byte) (any, error) {
	var req struct {
		Key        string `json:"key"`
		Value      string `json:"value"`
		TTLSeconds int64  `json:"ttl_seconds"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	if req.Key == "" {
		return nil, abi.Errorf(abi.CodeInvalidInput, "empty key")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.setLocked(req.Key, kvEntry{value: req.Value, ttlSeconds: req.TTLSeconds})
	return abi.Empty{}, nil
}

func (h *Host) setLocked(key string, e kvEntry) {
	if h.kv == nil {
		h.kv = make(map[string]kvEntry)
	}
	h.kv[key] = e
}

func (h *Host) kvDelete(in []byte) (any, error) {
	var req struct {
		Key string `json:"key"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.kv, req.Key)
	return abi.Empty{}, nil
}

func (h *Host) vaultGet(in []byte) (any, error) {
	var req struct {
		Fields []string `json:"fields"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(req.Fields))
	for _, f := range req.Fields {
		v, ok := h.Vault[f]
		if !ok {
			return nil, abi.Errorf(abi.CodePermissionDenied, "vault field [%s] is not revealable", f)
		}
		out[f] = v
	}
	return map[string]any{"fields": out}, nil
}

// httpRequest serves http_request with h.HTTP in process.
func (h *Host) httpRequest(in []byte) (any, error) {
	var req struct {
		Method          string            `json:"method"`
		URL             string            `json:"url"`
		Headers         map[string]string `json:"headers"`
		Body            string            `json:"body"`
		BodyBase64      string            `json:"body_base64"`
		TimeoutMS       int64             `json:"timeout_ms"`
		Auth            string            `json:"auth"`
		CacheTTLSeconds int64             `json:"cache_ttl_seconds"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	if h.HTTP == nil {
		return nil, abi.Errorf(abi.CodePermissionDenied, "no HTTP access")
	}
	body := []byte(req.Body)
	if req.BodyBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(req.BodyBase64)
		if err != nil {
			return nil, fmt.Errorf("%w: body_base64: %v", errMalformed, err)
		}
		body = b
	}
	r, err := http.NewRequest(req.Method, req.URL, bytes.NewReader(body))
	if err != nil {
		return nil, abi.Errorf(abi.CodeInvalidInput, "bad request: %v", err)
	}
	for k, v := range req.Headers {
		r.Header.Set(k, v)
	}
	switch req.Auth {
	case "", "none":
	case "credential":
		if h.Credential == "" {
			return nil, abi.Errorf(abi.CodePermissionDenied, "the installation has no credential")
		}
		r.Header.Set("Authorization", "Bearer "+h.Credential)
	default:
		return nil, fmt.Errorf("%w: auth %q", errMalformed, req.Auth)
	}
	rec := httptest.NewRecorder()
	h.HTTP.ServeHTTP(rec, r)
	resp := rec.Result()
	out := map[string]any{"status": resp.StatusCode}
	headers := make(map[string]string, len(resp.Header))
	for k := range resp.Header {
		headers[k] = resp.Header.Get(k)
	}
	out["headers"] = headers
	if b := rec.Body.Bytes(); utf8.Valid(b) {
		out["body"] = string(b)
	} else {
		out["body_base64"] = base64.StdEncoding.EncodeToString(b)
	}
	return out, nil
}
