package kv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/slotbox/slotbox/abi"
	"github.com/slotbox/slotbox/hostfuncs"
)

// Grant binds the kv host functions to one installation's namespace.
type Grant struct {
	// Installation is the namespace every key of the call lives in.
	Installation string
}

type keyInput struct {
	Key *string `json:"key"`
}

type setInput struct {
	Key        *string `json:"key"`
	Value      *string `json:"value"`
	TTLSeconds *int64  `json:"ttl_seconds"`
}

type getResult struct {
	Value *string `json:"value"`
}

var emptyResult = json.RawMessage(`{}`)

// Funcs returns the kv_get, kv_set and kv_delete host functions for g, with
// the inputs and results of abi-v1 section 3:
//
//	kv_get    {"key"}                       -> {"value": string|null}
//	kv_set    {"key","value","ttl_seconds"} -> {}
//	kv_delete {"key"}                       -> {}
//
// A malformed input fails with INVALID_INPUT, a limit with LIMIT_EXCEEDED
// naming the limit, a store failure with a plain error (HOST_ERROR). A grant
// without an installation gets functions that refuse every call, so a wiring
// mistake never opens a shared namespace.
func (k *KV) Funcs(g Grant) (get, set, del hostfuncs.Func) {
	if g.Installation == "" {
		refuse := func(context.Context, []byte) (json.RawMessage, error) {
			return nil, abi.Errorf(abi.CodeHostError, "kv is not bound to an installation")
		}
		return refuse, refuse, refuse
	}
	get = func(ctx context.Context, input []byte) (json.RawMessage, error) {
		key, err := k.parseKey(abi.ImportKVGet, input)
		if err != nil {
			return nil, err
		}
		v, found, err := k.store.Get(ctx, g.Installation, key, k.cfg.now())
		if err != nil {
			return nil, fmt.Errorf("kv: get for installation[%s]: %w", g.Installation, err)
		}
		res := getResult{}
		if found {
			res.Value = &v
		}
		return marshal(res)
	}
	set = func(ctx context.Context, input []byte) (json.RawMessage, error) {
		e, err := k.parseSet(input)
		if err != nil {
			return nil, err
		}
		e.Installation = g.Installation
		if err := k.store.Set(ctx, e, k.cfg.maxKeys, k.cfg.now()); err != nil {
			if errors.Is(err, ErrTooManyKeys) {
				return nil, abi.Errorf(abi.CodeLimitExceeded, "kv_set: the installation already holds the limit of %d keys", k.cfg.maxKeys)
			}
			return nil, fmt.Errorf("kv: set for installation[%s]: %w", g.Installation, err)
		}
		return emptyResult, nil
	}
	del = func(ctx context.Context, input []byte) (json.RawMessage, error) {
		key, err := k.parseKey(abi.ImportKVDelete, input)
		if err != nil {
			return nil, err
		}
		if err := k.store.Delete(ctx, g.Installation, key); err != nil {
			return nil, fmt.Errorf("kv: delete for installation[%s]: %w", g.Installation, err)
		}
		return emptyResult, nil
	}
	return get, set, del
}

func marshal(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("kv: encode result: %w", err)
	}
	return b, nil
}

// maxInput bounds an input before it is decoded: the largest value, every
// byte escaped as \u00XX, plus room for the key.
func (k *KV) maxInput() int { return 6*(k.cfg.maxValueBytes+k.cfg.maxKeyBytes) + 1024 }

// decode reads one JSON object strictly: no unknown fields, nothing after it.
func (k *KV) decode(fn string, input []byte, v any) error {
	if len(input) > k.maxInput() {
		return abi.Errorf(abi.CodeLimitExceeded, "%s input of %d bytes exceeds %d", fn, len(input), k.maxInput())
	}
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return abi.Errorf(abi.CodeInvalidInput, "%s input: %v", fn, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return abi.Errorf(abi.CodeInvalidInput, "%s input has data after the object", fn)
	}
	return nil
}

func (k *KV) checkKey(fn string, key *string) (string, error) {
	if key == nil {
		return "", abi.Errorf(abi.CodeInvalidInput, "%s needs a \"key\" string", fn)
	}
	if *key == "" {
		return "", abi.Errorf(abi.CodeInvalidInput, "%s: key is empty", fn)
	}
	if len(*key) > k.cfg.maxKeyBytes {
		return "", abi.Errorf(abi.CodeLimitExceeded, "%s: key of %d bytes exceeds the limit of %d bytes", fn, len(*key), k.cfg.maxKeyBytes)
	}
	return *key, nil
}

func (k *KV) parseKey(fn string, input []byte) (string, error) {
	var in keyInput
	if err := k.decode(fn, input, &in); err != nil {
		return "", err
	}
	return k.checkKey(fn, in.Key)
}

func (k *KV) parseSet(input []byte) (Entry, error) {
	const fn = abi.ImportKVSet
	var in setInput
	if err := k.decode(fn, input, &in); err != nil {
		return Entry{}, err
	}
	key, err := k.checkKey(fn, in.Key)
	if err != nil {
		return Entry{}, err
	}
	if in.Value == nil {
		return Entry{}, abi.Errorf(abi.CodeInvalidInput, "%s needs a \"value\" string; use kv_delete to remove a key", fn)
	}
	if len(*in.Value) > k.cfg.maxValueBytes {
		return Entry{}, abi.Errorf(abi.CodeLimitExceeded, "%s: value of %d bytes exceeds the limit of %d bytes", fn, len(*in.Value), k.cfg.maxValueBytes)
	}
	e := Entry{Key: key, Value: *in.Value}
	if t := in.TTLSeconds; t != nil && *t != 0 {
		if *t < 0 {
			return Entry{}, abi.Errorf(abi.CodeInvalidInput, "%s: ttl_seconds must be 0 (no expiry) or positive, got %d", fn, *t)
		}
		if max := int64(k.cfg.maxTTL / time.Second); *t > max {
			return Entry{}, abi.Errorf(abi.CodeLimitExceeded, "%s: ttl_seconds %d exceeds the limit of %d", fn, *t, max)
		}
		e.ExpiresAt = k.cfg.now().Add(time.Duration(*t) * time.Second)
	}
	return e, nil
}
