package slotbox

import (
	"context"
	"fmt"
	"time"

	"github.com/slotbox/slotbox/abi"
)

// KV wire shapes (abi-v1 section 3).
type (
	kvKey struct {
		Key string `json:"key"`
	}
	kvValue struct {
		Value *string `json:"value"`
	}
	kvSet struct {
		Key        string `json:"key"`
		Value      string `json:"value"`
		TTLSeconds int64  `json:"ttl_seconds,omitempty"`
	}
)

// KVGet reads key from the installation's key-value store; found is false
// when the key is absent or expired. The manifest must grant "kv".
func KVGet(ctx context.Context, key string) (value string, found bool, err error) {
	var res kvValue
	if err := callHost(ctx, abi.ImportKVGet, rawKVGet, kvKey{Key: key}, &res); err != nil {
		return "", false, fmt.Errorf("kv get [%s]: %w", key, err)
	}
	if res.Value == nil {
		return "", false, nil
	}
	return *res.Value, true, nil
}

// KVSet stores value under key. A positive ttl expires the key after ttl,
// rounded up to whole seconds; zero keeps it until deleted.
func KVSet(ctx context.Context, key, value string, ttl time.Duration) error {
	in := kvSet{Key: key, Value: value}
	if ttl > 0 {
		in.TTLSeconds = int64((ttl + time.Second - 1) / time.Second)
	}
	if err := callHost(ctx, abi.ImportKVSet, rawKVSet, in, nil); err != nil {
		return fmt.Errorf("kv set [%s]: %w", key, err)
	}
	return nil
}

// KVDelete removes key; deleting an absent key is not an error.
func KVDelete(ctx context.Context, key string) error {
	if err := callHost(ctx, abi.ImportKVDelete, rawKVDelete, kvKey{Key: key}, nil); err != nil {
		return fmt.Errorf("kv delete [%s]: %w", key, err)
	}
	return nil
}
